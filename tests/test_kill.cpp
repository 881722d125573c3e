// Kill tests: a sweep is killed with SIGKILL at chosen moments (failpoints: mid-epoch,
// mid-checkpoint-write, mid-sweep.h5-update, between a trial's end and its journal line) and at
// timed moments, in dev mode and under mpirun; each time the same command resumes it. The end
// must equal the uninterrupted run: every HDF5 file opens, every trial completed once, the
// curves bitwise the same; also for a PBT sweep, with its per-epoch schedule, and for sweeps
// whose finished trials keep less of their checkpoints (checkpoint.keep).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"
#include "support/local_mpi.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

struct Kill {
  std::string failpoint;  // "NAME:N"; or empty for a kill from outside:
  int after_epochs = 0;   // SIGKILL to the whole process group once the trials' checkpoints
                          // hold this many epochs in all (wherever the trials are then)
  bool orphan = false;    // from outside, under mpirun: SIGKILL to mpirun and rank 0 only, the
                          // worker ranks orphaned
};

// Epochs in all the checkpoints of the sweep in `out_dir`. Checkpoints, not sweep.h5: the
// coordinator flushes sweep.h5 at most every 50 ms, so a short sweep can finish between two
// views of it, while a checkpoint appears (by rename) as soon as its epoch is trained.
int64_t checkpointed_epochs(const std::string& out_dir) {
  int64_t epochs = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir + "/checkpoints", error)) {
    if (entry.path().extension() != ".h5") continue;  // a *.h5.tmp being written
    try {
      epochs += read_checkpoint_progress(entry.path().string()).epoch;
    } catch (const std::exception&) {
      // replaced while we read it: counted at the next look
    }
  }
  return epochs;
}

struct Outcome {
  bool killed;
  int exit_code;
};

// The MPI rank 0 of the job on `out_dir` (the coordinator), found by its environment; 0 if none.
pid_t coordinator_rank(const std::string& out_dir) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream command_file(entry.path() / "cmdline"),
        environment_file(entry.path() / "environ");
    const std::string command_line((std::istreambuf_iterator<char>(command_file)), {});
    std::string environment((std::istreambuf_iterator<char>(environment_file)), {});
    std::replace(environment.begin(), environment.end(), '\0', '\n');
    if (command_line.find(out_dir) != std::string::npos &&
        command_line.find("mpirun") == std::string::npos &&
        environment.find("\nOMPI_COMM_WORLD_RANK=0\n") != std::string::npos)
      return std::stoi(name);
  }
  return 0;
}

// Runs `argv` in its own process group with HPSWEEP_FAILPOINT set as `kill` says, or kills it
// once the checkpoints in `out_dir` hold kill.after_epochs epochs.
Outcome run(std::vector<std::string> argv, const Kill& kill, const std::string& out_dir = "") {
  std::vector<std::string> environment = environment_without({"HPSWEEP_FAILPOINT"});
  if (!kill.failpoint.empty()) environment.push_back("HPSWEEP_FAILPOINT=" + kill.failpoint);
  const pid_t pid = spawn_quiet_group(std::move(argv), std::move(environment));
  EXPECT_GT(pid, 0);
  int status = 0;
  if (kill.after_epochs > 0) {
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (checkpointed_epochs(out_dir) >= kill.after_epochs) {
        if (!kill.orphan) {
          ::kill(-pid, SIGKILL);
        } else if (const pid_t rank0 = coordinator_rank(out_dir)) {
          ::kill(rank0, SIGKILL);
          ::kill(pid, SIGKILL);
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  waitpid(pid, &status, 0);
  ::kill(-pid, SIGKILL);  // leftovers of an aborted MPI job
  return {WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0),
          WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// Ranks of a killed MPI job outlive mpirun for a while (Open MPI puts them in their own process
// groups), and would keep training beside the resumed run. Kills every process whose command
// line names `out_dir`, and waits until they are gone.
void kill_leftover_ranks(const std::string& out_dir) {
  for (int round = 0; round < 500; ++round) {
    bool any = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream in(entry.path() / "cmdline");
      const std::string command_line((std::istreambuf_iterator<char>(in)), {});
      std::ifstream stat_file(entry.path() / "stat");
      const std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
      const bool zombie = stat.size() > stat.rfind(')') + 2 && stat[stat.rfind(')') + 2] == 'Z';
      if (command_line.find(out_dir) == std::string::npos || zombie) continue;
      any = true;
      ::kill(std::stoi(name), SIGKILL);
    }
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "processes of the killed run on " << out_dir << " did not end";
}

class KillTest : public ::testing::TestWithParam<int> {  // param: MPI ranks, 0 for dev mode
 protected:
  static void SetUpTestSuite() { use_local_mpi_settings(); }
  void SetUp() override {
    write_synthetic_fashion_mnist(dir_ / "data", 1200, 200, 6);
    spec_ = (dir_ / "kill.yaml").string();
    std::ofstream(spec_)
        << "name: kill\nseed: 13\nmethod: grid\ndataset: {path: " << (dir_ / "data").string()
        << "}\nmodel: {width: 32, init: he}\ntraining: {epochs: 4, batch_size: 40, lr: 0.05}\n"
        << "parameters:\n  model.dropout: {values: [0.0, 0.3]}\n  model.depth: {values: [1, 2]}\n";
  }

  std::vector<std::string> command(const std::string& out, int workers = 2) const {
    std::vector<std::string> argv;
    if (GetParam() > 0)
      argv = {MPIEXEC, "-n", std::to_string(GetParam()), "-x", "HPSWEEP_FAILPOINT"};
    for (const std::string& a :
         {std::string(HPSWEEP_BINARY), std::string("run"), spec_, std::string("--out"),
          (dir_ / out).string(), std::string("--workers"), std::to_string(workers)})
      argv.push_back(a);
    return argv;
  }

  // Kills the sweep as `kill` says, then reruns the same command until it finishes.
  void kill_and_resume(const std::string& out, const Kill& kill, int workers = 2) {
    const Outcome first = run(command(out, workers), kill, (dir_ / out).string());
    kill_leftover_ranks((dir_ / out).string());
    EXPECT_TRUE(first.killed) << kill.failpoint << " " << kill.after_epochs
                              << ": the kill did not happen";
    for (int attempt = 0; attempt < 3; ++attempt)
      if (!run(command(out, workers), {}).killed) return;
    ADD_FAILURE() << "the resumed sweep did not finish";
  }

  void expect_equals_reference(const std::string& out, const SweepRecord& reference) {
    const SweepRecord r = read_sweep_file((dir_ / out / "sweep.h5").string());
    ASSERT_EQ(r.trials.size(), reference.trials.size());
    std::map<int64_t, int> completions;
    for (const JournalRecord& j : read_journal((dir_ / out / "journal.log").string()))
      completions[j.trial_id] += j.status == TrialStatus::completed;
    for (size_t i = 0; i < r.trials.size(); ++i) {
      EXPECT_EQ(r.trials[i].status, TrialStatus::completed) << out << " trial " << i;
      EXPECT_LE(completions[i], 1) << out << " trial " << i << " completed twice";
      for (const char* curve : {"epoch", "train_loss", "train_error", "test_loss", "test_error"})
        EXPECT_EQ(r.trials[i].curves.at(curve), reference.trials[i].curves.at(curve))
            << out << " trial " << i << " " << curve;
      EXPECT_EQ(r.trials[i].schedule, reference.trials[i].schedule) << out << " trial " << i;
      EXPECT_EQ(read_checkpoint_file(checkpoint_path((dir_ / out).string(), i)).epoch, 4);
    }
  }

  TempDir dir_;
  std::string spec_;
};

TEST_P(KillTest, EveryKillResumesToTheUninterruptedResult) {
  ASSERT_FALSE(run(command("reference"), {}).killed);
  const SweepRecord reference = read_sweep_file((dir_ / "reference" / "sweep.h5").string());
  // 4 trials x 4 epochs: 16 epochs in all.
  const std::vector<Kill> kills = {
      {"training-step:7"},
      {"training-step:150"},
      {"checkpoint-write:1"},
      {"checkpoint-write:5"},
      {"sweep-update:1"},
      {"sweep-update:9"},
      {"journal-append:1"},
      {"journal-append:3"},
      {"", 2},
      {"", 6},
      {"", 11},
  };
  for (size_t k = 0; k < kills.size(); ++k) {
    // Under mpirun, coordinator failpoints (sweep-update, journal-append) fire in rank 0, the
    // others in the workers; mpirun then takes the whole job down, as a dead node would.
    const std::string out = "killed" + std::to_string(k);
    kill_and_resume(out, kills[k]);
    expect_equals_reference(out, reference);
  }
}

// PBT's results do not depend on the order of reports, so a killed and resumed PBT sweep must
// end bitwise as the uninterrupted one whatever the timing: the journal's scheduler calls
// rebuild the scheduler, and trials whose verdict's checkpoint the kill lost catch up to it.
TEST_P(KillTest, KilledPbtSweepsResumeToTheUninterruptedResult) {
  std::ofstream(spec_, std::ios::app)
      << "checkpoint: {every: 3}\npbt: {population: 4, perturbation_interval: 1, mutations: "
         "{training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}}}\n";
  std::string text;
  {
    std::ifstream in(spec_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("method: grid"), 12, "method: pbt");
  text.replace(text.find("  model.depth: {values: [1, 2]}\n"), 32, "");
  std::ofstream(spec_) << text;
  ASSERT_FALSE(run(command("reference"), {}).killed);
  const SweepRecord reference = read_sweep_file((dir_ / "reference" / "sweep.h5").string());
  size_t exploits = 0;
  for (const DecisionRow& d : reference.decisions) exploits += d.kind == "exploit";
  EXPECT_EQ(exploits, 3u) << "one a barrier, at epochs 1 to 3";
  const std::vector<Kill> kills = {
      {"training-step:40"},
      {"checkpoint-write:3"},
      {"checkpoint-write:6"},
      {"sweep-update:5"},
      {"journal-append:9"},
      {"journal-append:20"},
      {"", 3},
      {"", 9},
  };
  for (size_t k = 0; k < kills.size(); ++k) {
    const std::string out = "killed" + std::to_string(k);
    kill_and_resume(out, kills[k]);
    expect_equals_reference(out, reference);
  }
}

// method bayes with one worker (under mpirun one group of two ranks): the order of results is
// fixed, so the uninterrupted sweep's suggestions are the reference; a killed sweep replays the
// journal's calls to the same suggestions and trains on with them.
TEST_P(KillTest, KilledBayesSweepsResumeToTheUninterruptedResult) {
  std::string text;
  {
    std::ifstream in(spec_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("method: grid"), 12,
               "method: bayes\nrun_cap: 5\nbayes: {startup_trials: 2}\n"
               "resources: {ranks_per_trial: 2}");
  text.replace(text.find("{values: [0.0, 0.3]}"), 20, "{min: 0.0, max: 0.6}");
  std::ofstream(spec_) << text;
  ASSERT_FALSE(run(command("reference", 1), {}).killed);
  const SweepRecord reference = read_sweep_file((dir_ / "reference" / "sweep.h5").string());
  int modelled = 0;
  for (const DecisionRow& d : reference.decisions) modelled += d.reason.rfind("TPE from", 0) == 0;
  EXPECT_EQ(modelled, 3) << "trials 2 to 4 were suggested from results";
  const std::vector<Kill> kills = {
      {"training-step:60"},
      {"checkpoint-write:6"},
      {"sweep-update:4"},
      {"journal-append:12"},
      {"", 9},
  };
  for (size_t k = 0; k < kills.size(); ++k) {
    const std::string out = "killed" + std::to_string(k);
    kill_and_resume(out, kills[k], 1);
    expect_equals_reference(out, reference);
    const SweepRecord r = read_sweep_file((dir_ / out / "sweep.h5").string());
    for (size_t t = 0; t < r.trials.size(); ++t)
      EXPECT_EQ(hyperparameters_text(r.trials[t].swept),
                hyperparameters_text(reference.trials[t].swept))
          << out << " trial " << t;
  }
}

// `checkpoint.keep: none` and `best` reduce a finished trial's checkpoint after its journal
// line (docs/spec.md): killed before that line, between it and the rewrite, during an epoch's
// or the rewrite's checkpoint write, or from outside, the sweep resumes to the uninterrupted
// curves, and every trial's checkpoint ends reduced.
TEST_P(KillTest, KilledSweepsKeepingLessResumeToTheUninterruptedResult) {
  ASSERT_FALSE(run(command("reference"), {}).killed);  // `keep: both`: the curves do not differ
  const SweepRecord reference = read_sweep_file((dir_ / "reference" / "sweep.h5").string());
  std::string base;
  {
    std::ifstream in(spec_);
    base.assign(std::istreambuf_iterator<char>(in), {});
  }
  // In dev mode the coordinator writes every checkpoint: its 9th and 14th writes fall around
  // the first trials' ends, among them rewrites. Under mpirun the group leaders write the
  // epochs' checkpoints (8 each) and rank 0 the rewrites.
  const bool mpi = GetParam() > 0;
  const std::map<std::string, std::vector<Kill>> kills = {
      {"none",
       {{"checkpoint-retain:1"},
        {"checkpoint-retain:3"},
        {mpi ? "checkpoint-write:5" : "checkpoint-write:9"},
        {"journal-append:2"},
        {"", 10}}},
      {"best",
       {{"checkpoint-retain:2"}, {mpi ? "checkpoint-write:7" : "checkpoint-write:14"}, {"", 13}}},
  };
  for (const auto& [keep, list] : kills) {
    std::ofstream(spec_) << base << "checkpoint: {keep: " << keep << "}\n";
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string out = keep + std::to_string(k);
      kill_and_resume(out, list[k]);
      const SweepRecord r = read_sweep_file((dir_ / out / "sweep.h5").string());
      ASSERT_EQ(r.trials.size(), reference.trials.size());
      for (size_t i = 0; i < r.trials.size(); ++i) {
        EXPECT_EQ(r.trials[i].status, TrialStatus::completed) << out << " trial " << i;
        for (const char* curve : {"epoch", "train_loss", "train_error", "test_loss", "test_error"})
          EXPECT_EQ(r.trials[i].curves.at(curve), reference.trials[i].curves.at(curve))
              << out << " trial " << i << " " << curve;
        const CheckpointProgress progress =
            read_checkpoint_progress(checkpoint_path((dir_ / out).string(), i));
        EXPECT_EQ(progress.keep, keep) << out << " trial " << i;
        EXPECT_EQ(progress.epoch, 4) << out << " trial " << i;
      }
    }
  }
}

// Killing mpirun and rank 0 together frees the folder's lock while the worker ranks train on
// for seconds. A resume started at once must neither fail nor mix their late checkpoints into
// its sweep: once it has started, an orphan's next checkpoint write is refused
// (storage/run_fence.h) and the orphan exits.
TEST_P(KillTest, OrphanedRanksCannotRaceAResume) {
  if (GetParam() == 0) GTEST_SKIP() << "orphaned ranks exist only under mpirun";
  std::ofstream(spec_, std::ios::app) << "checkpoint: {every: 1}\n";
  ASSERT_FALSE(run(command("reference"), {}).killed);
  const SweepRecord reference = read_sweep_file((dir_ / "reference" / "sweep.h5").string());
  for (const int epochs : {2, 4, 6, 8, 10, 12}) {
    const std::string out = "orphaned" + std::to_string(epochs);
    const Outcome first = run(command(out), {"", epochs, true}, (dir_ / out).string());
    EXPECT_TRUE(first.killed) << epochs << ": the kill did not happen";
    const Outcome resumed = run(command(out), {});  // at once, beside the orphans
    EXPECT_EQ(resumed.exit_code, 0) << "after a kill at " << epochs << " epochs";
    kill_leftover_ranks((dir_ / out).string());
    expect_equals_reference(out, reference);
  }
}

INSTANTIATE_TEST_SUITE_P(DevModeAndMpi, KillTest, ::testing::Values(0, 3), [](const auto& info) {
  return info.param ? "mpirun_np" + std::to_string(info.param) : std::string("dev");
});

}  // namespace
}  // namespace hpsweep::testing
