// `model.type: command` (docs/command-trials.md): trials that run a program, here
// tests/command/objective.sh, whose curve has a closed form. Its reports become the trial's
// curves and its output is kept; placeholders expand and bad ones are spec errors; a program
// that fails, prints garbage or hangs fails its trial only; ASHA's pauses and promotions, a
// stop, a kill and mpirun all continue from the state the program saved.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/local_mpi.h"
#include "support/shell.h"
#include "support/spec_error.h"
#include "support/stopped_sweep.h"
#include "support/sweep_files.h"
#include "support/temp_dir.h"
#include "worker/command_state.h"

namespace hpsweep::testing {
namespace {

const std::string kObjective = HPSWEEP_SOURCE_DIR "/tests/command/objective.sh";

// A grid over training.lr; `arguments` follow the lr in the program's argv.
std::string spec_text(const std::string& lrs, const std::string& arguments = "",
                      const std::string& extra = "", int64_t epochs = 4) {
  return "name: cmd\nseed: 3\nmethod: grid\n"
         "model: {type: command, command: [sh, " +
         kObjective + ", '${training.lr}'" + arguments +
         "], command_timeout: 1, command_grace: 0.2}\n"
         "training: {epochs: " +
         std::to_string(epochs) + "}\nparameters:\n  training.lr: {values: [" + lrs + "]}\n" +
         extra;
}

// What the objective reports for `epochs` epochs.
std::vector<double> expected_curve(double lr, int64_t epochs) {
  std::vector<double> curve;
  double v = 1;
  for (int64_t e = 1; e <= epochs; ++e) curve.push_back(v = v / 2 + lr);
  return curve;
}

SweepRecord run(const std::string& yaml, const std::string& out, int workers) {
  return run_and_read(yaml, "cmd.yaml", out, workers);
}

double lr_of(const TrialRecord& t) {
  return std::get<double>(*t.value_of("training.lr"));
}

// Every trial's curves are the closed form's, however often it was paused and resumed.
void expect_closed_form_curves(const SweepRecord& record) {
  for (const TrialRecord& t : record.trials) {
    const std::vector<double> expected = expected_curve(lr_of(t), t.epochs());
    EXPECT_EQ(t.curves.at("test_error"), expected) << "trial " << t.id;
    EXPECT_EQ(t.curves.at("train_loss"), expected) << "trial " << t.id;
  }
}

TEST(CommandTrials, StateFoldersRoundTripThroughCheckpointTensors) {
  TempDir dir;
  const std::map<std::string, std::string> files = {
      {"a.pt", std::string("\0\x7f\xff\xc0\x01", 5)},  // NaN bit patterns among the floats
      {"empty", ""},
      {"sub/dir/100%/x.bin", "seven b"}};
  for (const auto& [name, bytes] : files) {
    std::filesystem::create_directories((dir / "in" / name).parent_path());
    std::ofstream(dir / "in" / name, std::ios::binary) << bytes;
  }
  const std::vector<NamedTensor> tensors = pack_folder(dir / "in");
  ASSERT_EQ(tensors.size(), 3u);
  EXPECT_EQ(tensors[2].name, "state:sub%2Fdir%2F100%25%2Fx.bin");
  unpack_folder(tensors, dir / "out");
  for (const auto& [name, bytes] : files) EXPECT_EQ(file_text(dir / "out" / name), bytes) << name;
  EXPECT_TRUE(pack_folder(dir / "missing").empty());
}

TEST(CommandTrials, ReportsAreTheCurvesAndTheOutputIsKept) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record = run(spec_text("0.1, 0.25"), out, 2);
  ASSERT_EQ(record.trials.size(), 2u);
  expect_closed_form_curves(record);
  for (const TrialRecord& t : record.trials) {
    EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
    EXPECT_EQ(t.curves.at("epoch"), (std::vector<double>{1, 2, 3, 4}));
    EXPECT_EQ(t.curves.count("test_loss"), 0u) << "a curve the program does not report";
    EXPECT_EQ(t.curves.at("wall_seconds").size(), 4u) << "measured by hpsweep";
    const std::filesystem::path folder = dir / "sweep" / "programs" / trial_name(t.id);
    EXPECT_EQ(file_text(folder / "stderr.log"), "epoch 1\nepoch 2\nepoch 3\nepoch 4\n");
    EXPECT_EQ(file_text(folder / "stdout.log").rfind("args: ", 0), 0u);
    const std::string reports = file_text(folder / "reports.jsonl");
    EXPECT_EQ(std::count(reports.begin(), reports.end(), '\n'), 4);
    EXPECT_NE(reports.find("\"own_metric\": 7"), std::string::npos) << "kept as written";
  }
}

TEST(CommandTrials, PlaceholdersTakeTheTrialsValues) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record =
      run(spec_text("0.5",
                    ", 'id=${trial.id}', 'seed=${trial.seed}', '${trial.folder}/x', "
                    "'wait ${model.command_timeout}s'"),
          out, 1);
  const TrialRecord& t = record.trials.at(0);
  EXPECT_EQ(
      file_text(dir / "sweep" / "programs" / "0000" / "stdout.log"),
      "args: 0.5 id=0 seed=" + std::to_string(t.seed) + " " + out + "/programs/0000/x wait 1s\n");
}

// "FILE:LINE:COL" of the first `needle` in `text`.
std::string place_of(const std::string& file, const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  const size_t line_start = text.rfind('\n', at) + 1;
  return file + ":" + std::to_string(std::count(text.begin(), text.begin() + at, '\n') + 1) + ":" +
         std::to_string(at - line_start + 1);
}

TEST(CommandTrials, BadCommandsAreSpecErrorsAtTheirPlace) {
  const std::string unknown = spec_text("0.1", ", '--lr=${training.lrr}'");
  EXPECT_EQ(spec_error_of(unknown, "cmd.yaml"),
            place_of("cmd.yaml", unknown, "'--lr") +
                ": model.command: unknown path '${training.lrr}' (known: a config field such as "
                "training.lr, an args.NAME that `args:` declares, or trial.id, trial.seed, "
                "trial.folder)");
  const std::string unclosed = spec_text("0.1", ", '${trial.id'");
  EXPECT_EQ(spec_error_of(unclosed, "cmd.yaml"),
            place_of("cmd.yaml", unclosed, "'${trial.id'") +
                ": model.command: unclosed '${' in '${trial.id'");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {type: command}\n", "c.yaml"),
            "c.yaml:2:15: model.command: missing: model.type command needs the program to run "
            "(`model.command: [...]`)");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {command: [true]}\n", "c.yaml"),
            "c.yaml:2:18: model.command: goes with `model.type: command`");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {command: []}\n", "c.yaml"),
            "c.yaml:2:18: model.command: expected a list: the program and its arguments");
  EXPECT_EQ(spec_error_of(spec_text("0.1", "", "resources: {ranks_per_trial: 2}\n"), "c.yaml"),
            "c.yaml:8:30: resources.ranks_per_trial: command trials run one program per trial "
            "on one rank; got 2");
  EXPECT_EQ(
      spec_error_of(spec_text("0.1", "", "  training.finetune.from: {value: /x.h5}\n"), "c.yaml"),
      "c.yaml:8:27: training.finetune.from: command trials start from their program's own "
      "state, not from a checkpoint");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {command: [true]}\n"
                          "parameters:\n  model.type: {values: [mlp, command]}\n",
                          "c.yaml"),
            "c.yaml:4:15: model.type: command cannot be swept: give `model.type: command` in the "
            "model block");
}

TEST(CommandTrials, AFailingProgramFailsItsTrialNotTheSweep) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record = run(
      spec_text("0.1, 0.2, 0.3, 0.4, 0.5", ", '0.2:exit', '0.3:garbage', '0.4:hang', '0.5:long'"),
      out, 2);
  ASSERT_EQ(record.trials.size(), 5u);
  EXPECT_EQ(record.trials[0].status, TrialStatus::completed);
  const auto failure = [&](int64_t id, const std::string& cause) {
    return "trial " + trial_name(id) + "'s program failed after epoch 1: " + cause +
           "; its output is in " + out + "/programs/" + trial_name(id);
  };
  const std::vector<std::string> causes = {
      "exited with status 3",
      "reported garbage on HPSWEEP_REPORT_FD: 'loss is " + std::string("0.69999999999999996") +
          "' is not a JSON object",
      "reported nothing for 1 s (model.command_timeout)",
      "reported garbage on HPSWEEP_REPORT_FD: a line of more than 1048576 bytes"};
  for (int64_t id = 1; id <= 4; ++id) {
    const TrialRecord& t = record.trials[id];
    EXPECT_EQ(t.status, TrialStatus::failed);
    EXPECT_EQ(t.message, failure(id, causes[id - 1]));
    EXPECT_EQ(t.epochs(), 1) << "the epoch before the failure stays";
  }
  EXPECT_NE(file_text(dir / "sweep" / "programs" / "0001" / "stderr.log").find("boom"),
            std::string::npos);
}

TEST(CommandTrials, AProgramThatCannotStartFailsItsTrial) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record =
      run("name: cmd\nmethod: grid\nmodel: {type: command, command: [/nonexistent/prog]}\n"
          "training: {epochs: 2}\n",
          out, 1);
  EXPECT_EQ(record.trials.at(0).status, TrialStatus::failed);
  EXPECT_EQ(record.trials.at(0).message,
            "trial 0000's program: cannot start '/nonexistent/prog': No such file or directory");
}

TEST(CommandTrials, AshaPausesAndPromotesFromTheSavedState) {
  TempDir dir;
  const std::string out = (dir / "sweep").string();
  const SweepRecord record =
      run(spec_text("0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9", "",
                    "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n", 9),
          out, 1);
  int pauses = 0, promotions = 0;
  for (const DecisionRow& d : record.decisions) {
    pauses += d.kind == "pause";
    promotions += d.kind == "promote";
  }
  EXPECT_GT(pauses, 0);
  EXPECT_GT(promotions, 0);
  expect_closed_form_curves(record);
  EXPECT_EQ(record.trials[0].status, TrialStatus::completed) << "the lowest lr is the best";
  EXPECT_EQ(record.trials[0].epochs(), 9);
}

TEST(CommandTrials, PbtExploitRestartsTheProgramFromTheSourcesState) {
  TempDir dir;
  const SweepRecord r = run(
      "name: cmd\nseed: 3\nmethod: pbt\nmodel: {type: command, command: [sh, " + kObjective +
          ", '${training.lr}']}\ntraining: {epochs: 4}\n"
          "pbt: {population: 4, perturbation_interval: 2, mutations: {training.lr: "
          "{distribution: log_uniform_values, min: 0.001, max: 1}}}\n"
          "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n",
      (dir / "pbt").string(), 2);
  const DecisionRow* exploit = nullptr;
  for (const DecisionRow& d : r.decisions)
    if (d.kind == "exploit") exploit = &d;
  ASSERT_NE(exploit, nullptr);
  // Epoch 3 of the exploiting trial goes on from the source's epoch-2 value with the explored
  // lr (written in its shortest form that reads back exactly).
  const std::vector<double>& source = r.trials[exploit->source_trial].curves.at("test_error");
  const std::vector<double>& target = r.trials[exploit->trial].curves.at("test_error");
  ASSERT_EQ(target.size(), 4u);
  const std::string prefix = "training.lr: ";
  ASSERT_EQ(exploit->hyperparameters.rfind(prefix, 0), 0u) << exploit->hyperparameters;
  const double lr = std::stod(exploit->hyperparameters.substr(prefix.size()));
  EXPECT_NE(target[1], source[1]);
  EXPECT_EQ(target[2], source[1] / 2 + lr);
  EXPECT_EQ(target[3], target[2] / 2 + lr);
}

TEST(CommandTrials, StoppedSweepsResumeBitForBit) {
  TempDir dir;
  const std::string yaml = spec_text("0.1, 0.2, 0.3", "", "", 6);
  const SweepRecord whole = run(yaml, (dir / "whole").string(), 1);
  for (int ms : {30, 80, 150}) {
    const std::string out = (dir / ("stopped" + std::to_string(ms))).string();
    const SweepSpec spec = parse_spec(yaml, "cmd.yaml");
    run_local_sweep_stopped_after(spec, RunOptions{out, 2, false}, std::chrono::milliseconds(ms));
    const SweepRecord resumed = run(yaml, out, 2);
    for (size_t i = 0; i < whole.trials.size(); ++i) {
      EXPECT_EQ(resumed.trials[i].status, TrialStatus::completed) << resumed.trials[i].message;
      EXPECT_EQ(resumed.trials[i].curves.at("test_error"), whole.trials[i].curves.at("test_error"))
          << "stopped after " << ms << " ms, trial " << i;
    }
  }
}

// Epochs in the checkpoints of a sweep folder.
int64_t checkpointed_epochs(const std::string& out) {
  int64_t epochs = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(out + "/checkpoints", error)) {
    if (entry.path().extension() != ".h5") continue;
    try {
      epochs += read_checkpoint_progress(entry.path().string()).epoch;
    } catch (const std::exception&) {
    }
  }
  return epochs;
}

// Whether process `pid` still runs: a zombie (ended, not yet reaped by whoever adopted it)
// does not.
bool process_runs(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t name_end = line.rfind(')');
  return name_end != std::string::npos && line.substr(name_end + 2, 1) != "Z";
}

// A SIGKILLed hpsweep cannot end its trials' programs itself: the kernel does
// (PR_SET_PDEATHSIG), so a hung program does not outlive it.
TEST(CommandTrials, AProgramDiesWithAKilledHpsweep) {
  TempDir dir;
  const std::string pid_file = (dir / "program.pid").string();
  const std::string spec = (dir / "hang.yaml").string();
  std::ofstream(spec) << "name: hang\nmethod: grid\nmodel: {type: command, command: [sh, -c, "
                         "'echo $$ > "
                      << pid_file
                      << "; exec sleep 600'], command_timeout: 600}\ntraining: {epochs: 1}\n";
  const pid_t hpsweep = spawn_quiet_group(
      {HPSWEEP_BINARY, "run", spec, "--out", (dir / "out").string()}, environment_without({}));
  ASSERT_GT(hpsweep, 0);
  pid_t program = 0;
  for (int i = 0; i < 1000 && program == 0; ++i) {
    std::ifstream(pid_file) >> program;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(program, 0) << "the program did not start";
  ASSERT_TRUE(process_runs(program));
  ::kill(hpsweep, SIGKILL);  // hpsweep alone: the program is in a process group of its own
  waitpid(hpsweep, nullptr, 0);
  for (int i = 0; i < 500 && process_runs(program); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(process_runs(program));
  ::kill(program, SIGKILL);  // if it failed
}

TEST(CommandTrials, KilledSweepsResumeBitForBit) {
  TempDir dir;
  const std::string spec = (dir / "cmd.yaml").string();
  std::ofstream(spec) << spec_text("0.1, 0.2, 0.3", "", "", 8);
  const SweepRecord whole = run(file_text(spec), (dir / "whole").string(), 1);
  const std::string out = (dir / "killed").string();
  const pid_t pid = spawn_quiet_group({HPSWEEP_BINARY, "run", spec, "--out", out, "--workers", "2"},
                                      environment_without({}));
  ASSERT_GT(pid, 0);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0 && checkpointed_epochs(out) < 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::kill(-pid, SIGKILL);  // hpsweep, not its programs: they are in groups of their own
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before the kill";
  const CommandResult rerun =
      run_shell(std::string(HPSWEEP_BINARY) + " run " + spec + " --out " + out + " --workers 2");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  const SweepRecord resumed = read_sweep_file(out + "/sweep.h5");
  for (size_t i = 0; i < whole.trials.size(); ++i) {
    EXPECT_EQ(resumed.trials[i].status, TrialStatus::completed);
    EXPECT_EQ(resumed.trials[i].curves.at("test_error"), whole.trials[i].curves.at("test_error"));
  }
}

// One rank per trial under mpirun: ASHA's paused and promoted trials go on from their state,
// and the failures (at epoch 2, the first rung: every trial gets there) fail their trials only.
TEST(CommandTrials, UnderMpirunAsInDevMode) {
  use_local_mpi_settings();
  TempDir dir;
  const std::string spec = (dir / "cmd.yaml").string();
  std::ofstream(spec) << spec_text(
      "0.1, 0.2, 0.3, 0.4, 0.5, 0.6", ", '0.5:exit', '0.6:garbage'",
      "early_terminate: {type: asha, grace_period: 2, reduction_factor: 3}\n", 9);
  for (int ranks : {2, 3}) {
    const std::string out = (dir / ("mpi" + std::to_string(ranks))).string();
    const CommandResult mpi = run_shell(std::string(MPIEXEC) + " -n " + std::to_string(ranks) +
                                        " " + HPSWEEP_BINARY + " run " + spec + " --out " + out);
    ASSERT_EQ(mpi.exit_code, 0) << mpi.output;
    const SweepRecord record = read_sweep_file(out + "/sweep.h5");
    EXPECT_EQ(record.trials[4].status, TrialStatus::failed);
    EXPECT_EQ(
        record.trials[4].message.find("trial 0004's program failed after epoch 1: exited with "
                                      "status 3"),
        0u)
        << record.trials[4].message;
    EXPECT_EQ(record.trials[5].status, TrialStatus::failed);
    EXPECT_TRUE(std::any_of(record.decisions.begin(), record.decisions.end(),
                            [](const DecisionRow& d) { return d.kind == "promote"; }));
    for (const TrialRecord& t : record.trials)
      EXPECT_EQ(t.curves.at("test_error"), expected_curve(lr_of(t), t.epochs())) << t.id;
  }
}

}  // namespace
}  // namespace hpsweep::testing
