// The `hpsweep` executable as a user meets it: exit codes, messages, and no output for bad
// input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/spec.h"
#include "coordinator/folder_lock.h"
#include "coordinator/progress.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "storage/hdf5_util.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"

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
  EXPECT_EQ(run("analyze /nonexistent").exit_code, 2);
  TempDir dir;
  EXPECT_EQ(run("analyze " + dir.path().string()).output,
            "hpsweep: error: " + (dir / "sweep.h5").string() +
                ": no such file (is this a sweep's --out folder?)\n");
}

constexpr const char* kRunUsage =
    "usage: hpsweep run SPEC --out DIR [--workers N] [--restart] [--time-limit T] [--dry-run] "
    "[--verbose] [--no-worker-binding] [--watchdog T] [--status HOST:PORT [--status-token "
    "FILE]]\n";

TEST(Cli, RunWithoutArgumentsNamesTheMissingSpec) {
  const Result r = run("run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            std::string("hpsweep: error: missing SPEC: the sweep's YAML spec\n") + kRunUsage);
  const Result no_out =
      run("run " + std::string(HPSWEEP_SOURCE_DIR) + "/experiments/quickstart.yaml");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_EQ(no_out.output,
            std::string("hpsweep: error: missing --out DIR: the output folder\n") + kRunUsage);
  const Result analyze = run("analyze");
  EXPECT_EQ(analyze.exit_code, 2);
  EXPECT_EQ(analyze.output.rfind(
                "hpsweep: error: missing DIR: a sweep's output folder (or its sweep.h5)\n", 0),
            0u)
      << analyze.output;
}

TEST(Cli, HelpShowsPositionalArgumentsAndDefaultsAsWritten) {
  const Result r = run("run --help");
  EXPECT_EQ(r.output.rfind(std::string(kRunUsage) + "\narguments:\n  SPEC ", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find("--spec"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-o [ --out ] DIR "), std::string::npos) << r.output;
  const Result analyze = run("analyze --help");
  EXPECT_NE(analyze.output.find("\narguments:\n  DIR "), std::string::npos) << analyze.output;
  EXPECT_EQ(analyze.output.find("--dir"), std::string::npos) << analyze.output;
  // Float defaults as written: 0.15, not 0.14999999999999999.
  for (const char* option : {"--underfit-margin arg (=0.05) ", "--overfit-gap arg (=0.05) ",
                             "--unstable-swing arg (=0.02) ", "--relative-margin arg (=0.25) "})
    EXPECT_NE(analyze.output.find(option), std::string::npos) << option << " in\n"
                                                              << analyze.output;
  EXPECT_EQ(analyze.output.find("0000000"), std::string::npos) << analyze.output;
  EXPECT_EQ(analyze.output.find("9999999"), std::string::npos) << analyze.output;
}

TEST(Cli, ProgressPrintsALinePerEpochWithAnEtaInALog) {
  std::ostringstream log;
  Progress progress(log, /*interactive=*/false, {2, 2}, {"test_error", true},
                    std::chrono::milliseconds(0));
  progress.trial_started();
  progress.trial_started();
  EpochMetrics m;
  m.epoch = 1;
  m.test_error = 0.5;
  progress.epoch_finished(0, m);
  m.test_error = 0.25;
  progress.epoch_finished(1, m);
  // A scheduler stops trial 1 after one epoch: its second epoch leaves the sweep's total.
  progress.trial_finished(1, TrialStatus::stopped, 1, "below the median");
  m.epoch = 2;
  m.test_error = 0.125;
  progress.epoch_finished(0, m);
  progress.trial_finished(0, TrialStatus::completed, 2, "");
  EXPECT_EQ(log.str(),
            "trial 0000 epoch 1/2: test_error 0.5000  | 0/2 trials done, 2 running, epoch 1/4, "
            "best test_error 0.5000 (trial 0000), 0 s, ETA 0 s\n"
            "trial 0001 epoch 1/2: test_error 0.2500  | 0/2 trials done, 2 running, epoch 2/4, "
            "best test_error 0.2500 (trial 0001), 0 s, ETA 0 s\n"
            "trial 0001 stopped after 1 epoch: below the median  | 1/2 trials done, 1 running, "
            "epoch 2/3, best test_error 0.2500 (trial 0001), 0 s, ETA 0 s\n"
            "trial 0000 epoch 2/2: test_error 0.1250  | 1/2 trials done, 1 running, epoch 3/3, "
            "best test_error 0.1250 (trial 0000), 0 s, ETA 0 s\n"
            "trial 0000 completed after 2 epochs  | 2/2 trials done, 0 running, epoch 3/3, "
            "best test_error 0.1250 (trial 0000), 0 s\n");
  EXPECT_EQ(duration_text(42.4), "42 s");
  EXPECT_EQ(duration_text(185), "3m05s");
  EXPECT_EQ(duration_text(7620), "2h07m");
}

TEST(Cli, ProgressLinesInALogAreAtMostOneASecondAndAnEtaFollowsTheRate) {
  std::ostringstream log;
  Progress progress(log, false, std::vector<int64_t>(10, 100), {"test_error", true});
  progress.trial_started();
  EpochMetrics m;
  for (m.epoch = 1; m.epoch <= 50; ++m.epoch) progress.epoch_finished(0, m);
  const std::string text = log.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(progress.epochs_done(), 50);
  EXPECT_EQ(progress.epochs_total(), 1000);
  // 950 epochs left at this run's rate: 19 times the time the first 50 took.
  ASSERT_TRUE(progress.eta_seconds());
  EXPECT_NEAR(*progress.eta_seconds(), 19 * progress.elapsed_seconds(), 1e-3);
}

TEST(Cli, ADryRunListsTheTrialsWithTimeAndDiskAndWritesNothing) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 100, 1);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << "name: dry\nmethod: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\nmodel: {width: 16}\ntraining: {epochs: 2, batch_size: 30, momentum: "
                         "0.9}\nparameters:\n  training.lr: {values: [0.1, 0.3]}\n"
                         "  model.dropout: {values: [0.15]}\n";
  const std::string out = (dir / "out").string();
  const Result r = run("run " + spec.string() + " --out " + out + " --workers 2 --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out)) << "a dry run writes nothing";
  std::istringstream lines(r.output);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_GE(all.size(), 8u) << r.output;
  EXPECT_EQ(all[0], "dry run of sweep 'dry': 2 trials; nothing is trained or written");
  EXPECT_EQ(all[2], "trial  training.lr  model.dropout  epochs  parameters  time    disk");
  // 784*16 + 16 + 16*10 + 10 = 12,730 parameters: twice (last, best) and a momentum buffer,
  // 4 bytes each.
  EXPECT_EQ(all[3].rfind("0000   0.1          0.15           2       12,730      ", 0), 0u)
      << all[3];
  EXPECT_EQ(all[3].substr(all[3].size() - 8), "  153 KB") << all[3];
  EXPECT_EQ(all[4].rfind("0001   0.3          0.15           2       12,730      ", 0), 0u)
      << all[4];
  EXPECT_EQ(all[6].rfind("total: 4 epochs, ", 0), 0u) << all[6];
  EXPECT_NE(all[6].find(" on 2 workers in parallel; 306 KB of checkpoints"), std::string::npos)
      << all[6];
  EXPECT_NE(r.output.find("how this is estimated:\n  time  one training step"), std::string::npos)
      << r.output;
  // Without --out too, and nothing appears in the working directory.
  EXPECT_EQ(run("run " + spec.string() + " --dry-run").exit_code, 0);
  // checkpoint.keep: last keeps the parameters once and the momentum: 12,730 x 2 x 4 bytes a
  // trial.
  std::ofstream(spec, std::ios::app) << "checkpoint: {keep: last}\n";
  const Result last = run("run " + spec.string() + " --dry-run");
  EXPECT_NE(last.output.find("204 KB of checkpoints"), std::string::npos) << last.output;
}

// A sweep whose output nobody reads any more (`| head -1`) still runs to its end.
TEST(Cli, AClosedStdoutOrStderrNeverStopsTheSweep) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 600, 100, 1);
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << "name: piped\nmethod: grid\ndataset: {path: " << (dir / "data").string()
                      << "}\nmodel: {width: 16}\ntraining: {epochs: 3, batch_size: 20}\n"
                         "parameters:\n  training.lr: {values: [0.1, 0.2, 0.3]}\n";
  // `run` writes its progress to stderr: both streams closed, then stderr alone. (`analyze`
  // below writes to stdout.)
  for (const std::string redirect : {"2>&1", "2>&1 >/dev/null"}) {
    const std::string out = (dir / ("out" + std::to_string(redirect.size()))).string();
    const std::string status = out + ".status";
    const Result r =
        run_shell("{ " + std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out +
                  " --workers 2 --verbose " + redirect + "; echo $? > " + status + "; } | head -1");
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << redirect << r.output;
    std::ifstream in(status);
    int code = -1;
    in >> code;
    EXPECT_EQ(code, 0) << redirect;
    const SweepRecord sweep = read_sweep_file(out + "/sweep.h5");
    ASSERT_EQ(sweep.trials.size(), 3u);
    for (const TrialRecord& t : sweep.trials) {
      EXPECT_EQ(t.status, TrialStatus::completed) << redirect;
      EXPECT_EQ(t.epochs(), 3) << redirect;
    }
    const Result analyzed = run_shell("{ " + std::string(HPSWEEP_BINARY) + " analyze " + out +
                                      "; echo $? > " + status + "; } | head -1");
    std::ifstream again(status);
    again >> code;
    EXPECT_EQ(code, 0) << analyzed.output;
  }
}

TEST(Cli, CoordinatorStatisticsOnlyWithVerbose) {
  TempDir dir;
  const auto spec = dir / "sim.yaml";
  std::ofstream(spec) << "name: s\nmethod: grid\nmodel: {type: simulated}\ntraining: {epochs: 2}\n"
                         "parameters:\n  training.lr: {values: [0.1, 0.9]}\n";
  const Result quiet = run("run " + spec.string() + " --out " + (dir / "a").string());
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("coordinator loop:"), std::string::npos) << quiet.output;
  const Result verbose = run("run " + spec.string() + " --out " + (dir / "b").string() + " -v");
  ASSERT_EQ(verbose.exit_code, 0) << verbose.output;
  EXPECT_NE(verbose.output.find("\ncoordinator loop: "), std::string::npos) << verbose.output;
  EXPECT_NE(verbose.output.find(" events ("), std::string::npos) << verbose.output;
}

// Random draws and multiples of q read as written everywhere: no 0.30000000000000004.
TEST(Cli, SweptValuesPrintAsWritten) {
  TempDir dir;
  const auto spec = dir / "rnd.yaml";
  std::ofstream(spec) << "name: rnd\nmethod: random\nrun_cap: 40\nseed: 3\n"
                         "model: {type: simulated}\ntraining: {epochs: 1}\nparameters:\n"
                         "  training.lr: {distribution: q_uniform, min: 0.1, max: 0.9, q: 0.1}\n"
                         "  training.weight_decay: {distribution: log_uniform_values, min: 0.0001, "
                         "max: 0.1}\n"
                         "  model.dropout: {distribution: uniform, min: 0, max: 0.5}\n"
                         "  training.momentum: {distribution: normal, mu: 0.5, sigma: 0.2}\n";
  const SweepSpec loaded = load_spec_file(spec.string());
  for (const Trial& t : expand_trials(loaded))
    for (const SweptValue& v : t.swept) {
      const std::string text = value_string(v.value);
      const std::string mantissa = text.substr(0, text.find('e'));
      const size_t first = mantissa.find_first_of("123456789");
      int digits = 0;
      for (size_t i = first; i < mantissa.size(); ++i) digits += std::isdigit(mantissa[i]) != 0;
      EXPECT_LE(digits, 4) << v.path << " = " << text;
    }
  const std::string out = (dir / "out").string();
  ASSERT_EQ(run("run " + spec.string() + " --out " + out).exit_code, 0);
  for (const std::string format : {"text", "csv", "json"}) {
    const Result r = run("analyze " + out + " --format " + format);
    for (const char* long_run : {"0000000", "9999999"})
      EXPECT_EQ(r.output.find(long_run), std::string::npos) << format << "\n" << r.output;
  }
}

TEST(Cli, AnalyzeTakesTableInEveryFormat) {
  TempDir dir;
  const auto spec = dir / "sim.yaml";
  std::ofstream(spec) << "name: s\nmethod: grid\nmodel: {type: simulated}\ntraining: {epochs: 2}\n"
                         "parameters:\n  training.lr: {values: [0.1, 0.9]}\n";
  const std::string out = (dir / "out").string();
  ASSERT_EQ(run("run " + spec.string() + " --out " + out).exit_code, 0);
  const Result text = run("analyze " + out + " --table training.lr");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.output.rfind("Effect of training.lr:\ntraining.lr  configurations  trials  ", 0),
            0u)
      << text.output;
  EXPECT_EQ(std::count(text.output.begin(), text.output.end(), '\n'), 4) << text.output;
  const Result json = run("analyze " + out + " --format json --table ranking");
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.rfind("{\n \"ranking\": [\n  {\"rank\": 1, ", 0), 0u) << json.output;
  EXPECT_EQ(json.output.find("\"trials\""), std::string::npos) << json.output;
  const Result csv = run("analyze " + out + " -f csv -t ranking");
  EXPECT_EQ(csv.output.rfind("rank,trial,training.lr,", 0), 0u) << csv.output;
  for (const std::string format : {"text", "csv", "json"}) {
    const Result unknown = run("analyze " + out + " --format " + format + " --table nope");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_EQ(unknown.output,
              "hpsweep: error: --table: no table 'nope' in this sweep (tables: trials, ranking, "
              "training.lr)\n")
        << format;
  }
}

// A network written in the spec prints like a built-in one: experiments/resnet-written.yaml's
// depths 0 and 1 have the counts of resnet-depth.yaml's depths 1 and 2.
TEST(Cli, DescribePrintsAWrittenNetworkLikeABuiltInOne) {
  const Result r =
      run("describe " + std::string(HPSWEEP_SOURCE_DIR) + "/experiments/resnet-written.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* line :
       {"sequential (8 layers in model.layers, depth 0) on input 1x32x32: 309,450 parameters; "
        "trials 0000\n",
        "    0.1            BatchNorm2d          16x16x16                   32\n",
        "sequential (8 layers in model.layers, depth 1) on input 1x32x32: 702,570 parameters; "
        "trials 0001\n",
        "    1.1            Residual             16x8x8                  4,704\n"})
    EXPECT_NE(r.output.find(line), std::string::npos) << line << " in\n" << r.output;
}

// d2l 14.7: the tiny SSD on 256 x 256 inputs has 5,444 anchors; the canvases' 64 pixels, 344.
TEST(Cli, DescribePrintsATinySsdsAnchorsPerScale) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 4, 4, 3);
  const auto spec = dir / "ssd.yaml";
  std::ofstream(spec) << "method: grid\nmodel: {type: tiny-ssd}\ndataset: {name: fmnist-detection, "
                         "train_subset: 4, test_subset: 4, path: "
                      << (dir / "data").string()
                      << "}\nparameters:\n  dataset.input_size: {values: [256, 64]}\n";
  const Result r = run("describe " + spec.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* line :
       {"tiny-ssd (width 16, depth 5) on input 1x256x256: 1,196,892 parameters; trials 0000\n",
        "  anchors per scale: 32x32x4 = 4,096, 16x16x4 = 1,024, 8x8x4 = 256, 4x4x4 = 64, "
        "1x1x4 = 4; 5,444 in all\n",
        "  anchors per scale: 8x8x4 = 256, 4x4x4 = 64, 2x2x4 = 16, 1x1x4 = 4, 1x1x4 = 4; "
        "344 in all\n"})
    EXPECT_NE(r.output.find(line), std::string::npos) << line << " in\n" << r.output;
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
  // The default metric is test_error: `run` says once that selecting on it biases the result.
  const std::string warning = "note: metric test_error selects epochs and trials on the test set";
  EXPECT_EQ(ran.output.find(warning), ran.output.rfind(warning)) << ran.output;
  EXPECT_NE(ran.output.find(warning), std::string::npos) << ran.output;

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

// A validation split selects: the curves gain val_*, the analysis reports the test error at the
// epoch val_error chose, and nobody warns about the test set.
TEST(Cli, ValidationSelectionReportsTheTestErrorAtTheChosenEpoch) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 100, 1);
  const auto spec = dir / "v.yaml";
  std::ofstream(spec) << "name: v\nmethod: grid\nrepeats: 2\nmetric: {name: val_error}\n"
                      << "dataset: {path: " << (dir / "data").string()
                      << ", validation: 60}\nmodel: {width: 16, dropout: 0.5}\n"
                      << "training: {epochs: 3, batch_size: 30, eval_train: all}\n";
  const std::string out = (dir / "out").string();
  const Result ran = run("run " + spec.string() + " --out " + out);
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output.find("note: metric"), std::string::npos) << ran.output;
  const SweepRecord sweep = read_sweep_file(out + "/sweep.h5");
  ASSERT_EQ(sweep.trials.size(), 2u);
  for (const TrialRecord& t : sweep.trials) {
    const std::vector<double>& val = t.curves.at("val_error");
    const size_t best = std::min_element(val.begin(), val.end()) - val.begin();
    const Result csv = run("analyze " + out + " -f csv");
    // trial,status,configuration,repeat,fold,epochs,train_eval_error,val_error,test_error,gap,
    // selected_epoch,selected_test_error,diagnosis
    std::istringstream lines(csv.output);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line,
              "trial,status,configuration,repeat,fold,epochs,train_eval_error,val_error,test_error,"
              "gap,selected_epoch,selected_test_error,diagnosis");
    for (int64_t i = 0; i <= t.id; ++i) std::getline(lines, line);
    char expected[64];
    std::snprintf(expected, sizeof expected, ",%zu,%.4f,", best + 1,
                  t.curves.at("test_error")[best]);
    EXPECT_NE(line.find(expected), std::string::npos) << line << " lacks " << expected;
    // The checkpoint's /best is the epoch val_error chose.
    const CheckpointData checkpoint = read_checkpoint_file(checkpoint_path(out, t.id));
    EXPECT_EQ(checkpoint.best_epoch, static_cast<int64_t>(best + 1));
    EXPECT_EQ(checkpoint.metric_name, "val_error");
  }
}

constexpr const char* kExportUsage = "usage: hpsweep dataset export SPEC --out FILE.h5\n";

// A spec of the detection set over a small Fashion-MNIST-shaped folder.
std::filesystem::path detection_spec(const TempDir& dir, const std::string& model = "simulated") {
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const auto spec = dir / "detection.yaml";
  std::ofstream(spec) << "method: grid\nmodel: {type: " << model
                      << "}\ndataset: {name: fmnist-detection, path: " << (dir / "data").string()
                      << ", train_subset: 30, test_subset: 12, seed: 4}\n";
  return spec;
}

TEST(Cli, DatasetExportWritesTheDetectionSetAndSaysWhat) {
  TempDir dir;
  const auto spec = detection_spec(dir);
  const std::string out = (dir / "set.h5").string();
  const Result r = run("dataset export " + spec.string() + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  DatasetConfig config;
  config.name = "fmnist-detection";
  config.path = (dir / "data").string();
  config.train_subset = 30;
  config.test_subset = 12;
  config.seed = 4;
  const TrainTestData data = load_dataset(config);
  int64_t train_objects = 0, test_objects = 0;
  for (const auto& objects : data.train.objects) train_objects += objects.size();
  for (const auto& objects : data.test.objects) test_objects += objects.size();
  EXPECT_EQ(r.output, "wrote " + out + ": fmnist-detection, 30 training canvases (" +
                          std::to_string(train_objects) + " objects), 12 test canvases (" +
                          std::to_string(test_objects) + " objects)\n");
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
  H5::H5File file(out, H5F_ACC_RDONLY);
  EXPECT_EQ(h5::read_tensor(file.openGroup("train"), "images").shape(), (Shape{30, 1, 64, 64}));
  EXPECT_EQ(h5::read_tensor(file.openGroup("test"), "boxes").shape(), (Shape{test_objects, 4}));
  const std::vector<int64_t> index = h5::read_integers(file.openGroup("test"), "image_index");
  EXPECT_EQ(index.front(), 0);
  EXPECT_EQ(index.back(), 11);
  EXPECT_EQ(h5::read_int_attribute(file, "max_objects"), 3);
}

TEST(Cli, DatasetExportNamesWhatItRefuses) {
  TempDir dir;
  const auto classifier = detection_spec(dir, "lenet");
  const std::string detector_needed =
      ":3:17: dataset.name: fmnist-detection needs a detector (model.type tiny-ssd), got "
      "model.type lenet\n";
  for (const std::string& command : {"dataset export " + classifier.string() + " --out x.h5",
                                     "describe " + classifier.string()}) {
    const Result r = run(command);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_EQ(r.output, "hpsweep: error: " + classifier.string() + detector_needed) << command;
  }
  const auto fashion = dir / "fashion.yaml";
  std::ofstream(fashion) << "method: grid\nmodel: {type: simulated}\n";
  EXPECT_EQ(run("dataset export " + fashion.string() + " --out x.h5").output,
            "hpsweep: error: " + fashion.string() +
                ": dataset.name: dataset export writes detection sets (fmnist-detection), not "
                "the fashion-mnist set\n");
  const auto swept = dir / "swept.yaml";
  std::ofstream(swept) << "method: grid\nmodel: {type: simulated}\n"
                          "dataset: {name: fmnist-detection}\n"
                          "parameters:\n  dataset.seed: {values: [1, 2]}\n";
  EXPECT_EQ(run("dataset export " + swept.string() + " --out x.h5").output,
            "hpsweep: error: " + swept.string() +
                ":5:17: dataset.seed: swept; dataset export writes one set: give it in the "
                "dataset block\n");
  const auto spec = detection_spec(dir);
  const Result no_folder =
      run("dataset export " + spec.string() + " --out " + (dir / "no/set.h5").string());
  EXPECT_EQ(no_folder.exit_code, 2);
  EXPECT_EQ(no_folder.output, "hpsweep: error: " + (dir / "no/set.h5").string() +
                                  ": cannot write: no folder " + (dir / "no").string() + "\n");
  EXPECT_EQ(
      run("dataset export " + spec.string()).output,
      std::string("hpsweep: error: the option '--out' is required but missing\n") + kExportUsage);
  const Result unknown = run("dataset import x");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.output,
            std::string("hpsweep: error: dataset: unknown action 'import' (known: export)\n") +
                kExportUsage);
  EXPECT_EQ(
      run("dataset").output,
      std::string("hpsweep: error: dataset: missing the action (known: export)\n") + kExportUsage);
  const Result help = run("dataset export --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--out FILE.h5"), std::string::npos) << help.output;
  EXPECT_NE(run("dataset --help").output.find("export SPEC --out FILE.h5"), std::string::npos);
}

}  // namespace
}  // namespace hpsweep::testing
