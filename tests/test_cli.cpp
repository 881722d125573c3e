// The `hpsweep` executable as a user meets it: exit codes, messages, and no output for bad
// input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "coordinator/folder_lock.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

using Result = CommandResult;

Result run(const std::string& arguments) {
  return run_shell(std::string(HPSWEEP_BINARY) + " " + arguments);
}

TEST(Cli, HelpForEachCommand) {
  for (const std::string command : {"--help", "run --help", "analyze --help", "describe --help"}) {
    const Result r = run(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find("usage: hpsweep"), std::string::npos) << r.output;
  }
  EXPECT_NE(run("run --help").output.find("--workers"), std::string::npos);
  EXPECT_NE(run("analyze --help").output.find("--format"), std::string::npos);
}

TEST(Cli, BadSpecExitsTwoAndWritesNothing) {
  TempDir dir;
  const auto spec = dir / "bad.yaml";
  std::ofstream(spec) << "method: grid\ntraining: {lr: -1}\n";
  const Result r = run("run " + spec.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "hpsweep: error: " + spec.string() + ":2:16: training.lr: must be > 0, got -1\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("run").exit_code, 2);
  EXPECT_EQ(run("analyze /nonexistent").exit_code, 2);
  TempDir dir;
  EXPECT_EQ(run("analyze " + dir.path().string()).output,
            "hpsweep: error: " + (dir / "sweep.h5").string() +
                ": no such file (is this a sweep's --out folder?)\n");
}

TEST(Cli, DescribeCountsSimulatedTrialsWithoutLookingForData) {
  TempDir dir;
  const auto spec = dir / "sim.yaml";
  std::ofstream(spec)
      << "name: s\nmethod: grid\ndataset: {path: /nonexistent}\n"
         "model: {type: simulated}\nparameters:\n  training.lr: {values: [0.1, 0.9]}\n";
  const Result r = run("describe " + spec.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "2 simulated trial(s): no model, a synthetic learning curve each\n");
}

TEST(Cli, DescribePrintsEachDistinctModelLayerByLayer) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const auto spec = dir / "lenet.yaml";
  std::ofstream(spec) << "name: d\nmethod: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\nmodel: {type: lenet}\nparameters:\n"
                         "  training.lr: {values: [0.1, 0.9]}\n  model.depth: {values: [2, 1]}\n";
  const Result r = run("describe " + spec.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Two architectures (depth 2 and 1), each shared by the trials of both learning rates.
  EXPECT_EQ(
      r.output.rfind(
          "lenet (width 6, depth 2) on input 1x28x28: 61,706 parameters; trials 0000 0002\n", 0),
      0u)
      << r.output;
  for (const char* line :
       {"  0                Conv2d               6x28x28                   156\n",
        "  5                AvgPool2d            16x5x5                      0\n",
        "lenet (width 6, depth 1) on input 1x28x28: ",
        "  9                Linear               10                      1,210\n"})
    EXPECT_NE(r.output.find(line), std::string::npos) << line << " in\n" << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));

  std::ofstream(spec) << "method: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\nmodel: {type: alexnet}\n";
  const Result too_small = run("describe " + spec.string());
  EXPECT_EQ(too_small.exit_code, 2);
  EXPECT_EQ(too_small.output.rfind("hpsweep: error: model: alexnet (width 96, depth 3) does not "
                                   "fit input [1, 28, 28]: ",
                                   0),
            0u)
      << too_small.output;
  const Result run_too_small = run("run " + spec.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(run_too_small.exit_code, 2);
  EXPECT_EQ(run_too_small.output.rfind("hpsweep: error: trial 0000: model: alexnet", 0), 0u)
      << run_too_small.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out")) << "a model that does not fit writes nothing";
}

TEST(Cli, RunThenAnalyzeAsTextAndCsv) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 100, 1);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec)
      << "name: cli\nmethod: grid\ndataset: {path: " << (dir / "data").string()
      << "}\nmodel: {width: 16}\ntraining: {epochs: 2, batch_size: 30}\nparameters:\n"
      << "  training.lr: {values: [0.1, 0.3]}\n";
  const std::string out = (dir / "out").string();
  const Result ran = run("run " + spec.string() + " --out " + out + " --workers 2");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("finished after"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("2 completed"), std::string::npos) << ran.output;

  const Result text = run("analyze " + out);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find("best trial: "), std::string::npos) << text.output;
  const Result csv = run("analyze " + out + " --format csv");
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.output.substr(0, csv.output.find('\n')),
            "trial,status,training.lr,epochs,train_error,test_error,gap,selected_epoch,"
            "selected_test_error,diagnosis");
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'), 3);

  const Result again = run("run " + spec.string() + " --out " + out);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(
                "resuming: 2 trials finished, 0 continue from their last checkpoint, 0 start"),
            std::string::npos)
      << again.output;
}

TEST(Cli, CtrlCStopsCleanlyAndKeepsWhatWasWritten) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 2000, 200, 2);
  const auto spec = dir / "long.yaml";
  std::ofstream(spec)
      << "name: long\nmethod: grid\ndataset: {path: " << (dir / "data").string()
      << "}\nmodel: {width: 64}\ntraining: {epochs: 1000, batch_size: 20}\nparameters:\n"
      << "  training.lr: {values: [0.01, 0.02, 0.03]}\n";
  const std::string out = (dir / "out").string(), log = (dir / "log").string(),
                    spec_path = spec.string();
  const char* argv[] = {
      HPSWEEP_BINARY, "run", spec_path.c_str(), "--out", out.c_str(), "--workers", "2", nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, HPSWEEP_BINARY, &actions, nullptr, const_cast<char**>(argv), environ),
            0);
  // Wait until both running trials have recorded an epoch, then press Ctrl-C.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto epochs_recorded = [&] {
    try {
      const SweepRecord r = read_sweep_file(out + "/sweep.h5");
      return r.trials[0].epochs() > 0 && r.trials[1].epochs() > 0;
    } catch (const std::exception&) {
      return false;
    }
  };
  while (!epochs_recorded() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto pressed = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - pressed, std::chrono::seconds(5));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const SweepRecord r = read_sweep_file(out + "/sweep.h5");
  EXPECT_EQ(r.trials[0].status, TrialStatus::interrupted);
  EXPECT_EQ(r.trials[1].status, TrialStatus::interrupted);
  EXPECT_EQ(r.trials[2].status, TrialStatus::pending);
  EXPECT_GT(r.trials[0].epochs(), 0) << "epochs recorded before Ctrl-C are kept";
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("interrupted after"), std::string::npos) << text;
  EXPECT_NE(text.find("to resume: hpsweep run " + spec_path + " --out " + out), std::string::npos)
      << text;
}

TEST(Cli, TimeLimitStopsCleanlyAndARerunFinishes) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 2000, 200, 3);
  const auto spec = dir / "timed.yaml";
  std::ofstream(spec)
      << "name: timed\nmethod: grid\ndataset: {path: " << (dir / "data").string()
      << "}\nmodel: {width: 64}\ntraining: {epochs: 300, batch_size: 20}\nparameters:\n"
      << "  training.lr: {values: [0.01, 0.02]}\n";
  const std::string out = (dir / "out").string();
  const auto start = std::chrono::steady_clock::now();
  const Result stopped = run("run " + spec.string() + " --out " + out + " --time-limit 1s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(stopped.exit_code, 75) << stopped.output;
  EXPECT_NE(stopped.output.find("to resume: hpsweep run"), std::string::npos) << stopped.output;
  const SweepRecord partial = read_sweep_file(out + "/sweep.h5");
  EXPECT_EQ(partial.trials[0].status, TrialStatus::interrupted);
  EXPECT_LT(partial.trials[0].epochs(), 300);

  const Result finished = run("run " + spec.string() + " --out " + out);
  EXPECT_EQ(finished.exit_code, 0) << finished.output;
  EXPECT_NE(
      finished.output.find("resuming: 0 trials finished, 2 continue from their last checkpoint"),
      std::string::npos)
      << finished.output;
  for (const TrialRecord& t : read_sweep_file(out + "/sweep.h5").trials) {
    EXPECT_EQ(t.status, TrialStatus::completed);
    EXPECT_EQ(t.epochs(), 300);
  }
  EXPECT_EQ(run("run " + spec.string() + " --out " + out + " --time-limit 1x").exit_code, 2);
  const Result watchdog = run("run " + spec.string() + " --out " + out + " --watchdog soon");
  EXPECT_EQ(watchdog.exit_code, 2);
  EXPECT_NE(
      watchdog.output.find("--watchdog: expected a duration like 3600, 90m or 1h30m, got 'soon'"),
      std::string::npos)
      << watchdog.output;
}

TEST(Cli, AnOutputFolderThatCannotBeCreatedIsBadInput) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 100, 50, 3);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << "method: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\ntraining: {epochs: 1}\n";
  std::ofstream(dir / "file") << "a file, not a folder";
  const Result r = run("run " + spec.string() + " --out " + (dir / "file" / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find((dir / "file" / "out").string() + ": cannot create the output folder"),
            std::string::npos)
      << r.output;
}

TEST(Cli, AFolderAnotherRunIsUsingIsRefusedAndLeftAlone) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 100, 50, 3);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << "method: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\ntraining: {epochs: 1}\n";
  const std::string out = (dir / "out").string();
  ASSERT_EQ(run("run " + spec.string() + " --out " + out).exit_code, 0);
  const auto before = std::filesystem::last_write_time(dir / "out" / "sweep.h5");
  {
    FolderLock held(dir / "out");  // as the coordinator of a run still going holds it
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    for (const std::string flags : {"", " --restart"}) {
      const Result r = run("run " + spec.string() + " --out " + out + flags);
      EXPECT_EQ(r.exit_code, 2) << flags;
      EXPECT_EQ(r.output, "hpsweep: error: " + out +
                              ": another hpsweep run is using this folder (" + host + " pid " +
                              std::to_string(getpid()) +
                              "); wait for it to end or stop it, then run again\n")
          << flags;
    }
  }
  EXPECT_EQ(std::filesystem::last_write_time(dir / "out" / "sweep.h5"), before);
  EXPECT_EQ(run("run " + spec.string() + " --out " + out).exit_code, 0) << "the lock is released";
}

}  // namespace
}  // namespace hpsweep::testing
