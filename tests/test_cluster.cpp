// The `hpsweep` binary under mpirun, as a cluster user runs it: the same sweep.h5 as dev
// mode, groups of two ranks with one left idle, failing and diverging trials that do not stop
// the sweep, and too few ranks as a clear error.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "cluster/cpu_binding.h"
#include "common/control_messages.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"
#include "support/local_mpi.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

using Result = CommandResult;

Result run(const std::string& command) {
  return run_shell(command);
}

Result mpirun(int ranks, const std::string& arguments, const std::string& mpirun_options = "") {
  return run(std::string(MPIEXEC) + " " + mpirun_options + " -n " + std::to_string(ranks) + " " +
             HPSWEEP_BINARY + " " + arguments);
}

class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { use_local_mpi_settings(); }
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 500, 150, 3); }

  std::string spec(const std::string& extra, const std::string& method = "grid") {
    const auto path = dir_ / ("spec" + std::to_string(++specs_) + ".yaml");
    std::ofstream(path)
        << "name: cluster\nseed: 4\nmethod: " << method
        << "\ndataset: {path: " << (dir_ / "data").string()
        << "}\nmodel: {width: 24, init: he}\ntraining: {epochs: 2, batch_size: 40, lr: 0.05}\n"
        << extra;
    return path.string();
  }
  std::string out(const std::string& name) { return (dir_ / name).string(); }
  SweepRecord record(const std::string& name) { return read_sweep_file(out(name) + "/sweep.h5"); }
  // `hpsweep run SPEC --out NAME OPTIONS` in dev mode.
  Result run_dev(const std::string& spec_path, const std::string& name,
                 const std::string& options = "") {
    return run(std::string(HPSWEEP_BINARY) + " run " + spec_path + " --out " + out(name) + options);
  }
  // Polls run NAME's sweep.h5 (for up to 30 s) until its first two trials have an epoch each.
  void wait_until_both_trials_are_under_way(const std::string& name) {
    for (int i = 0; i < 3000; ++i) {
      try {
        const SweepRecord r = record(name);
        if (r.trials[0].epochs() > 0 && r.trials[1].epochs() > 0) return;
      } catch (const std::exception&) {  // not written yet, or mid-write
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  TempDir dir_;
  int specs_ = 0;
};

// Waits (at most `limit`) for `pid` to end; returns how long it took from `since`.
std::chrono::steady_clock::duration wait_for_exit(pid_t pid,
                                                  std::chrono::steady_clock::time_point since,
                                                  std::chrono::seconds limit) {
  while (kill(pid, 0) == 0 && std::chrono::steady_clock::now() - since < limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return std::chrono::steady_clock::now() - since;
}

// Trial i's curves in two runs' sweep.h5 files, bit for bit (the validation and eval_train
// curves too, when the sweep has them).
void expect_same_curves(const SweepRecord& a, const SweepRecord& b, size_t i) {
  for (const char* curve : {"epoch", "train_loss", "train_error", "test_loss", "test_error",
                            "val_loss", "val_error", "train_eval_loss", "train_eval_error"}) {
    ASSERT_EQ(a.trials[i].curves.count(curve), b.trials[i].curves.count(curve)) << curve;
    if (a.trials[i].curves.count(curve)) {
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
          << "trial " << i << " " << curve;
    }
  }
}

constexpr const char* kGrid =
    "parameters:\n  model.dropout: {values: [0.0, 0.4]}\n  model.depth: {values: [1, 2]}\n";

TEST_F(ClusterTest, OneRankPerTrialWritesTheSameSweepAsDevMode) {
  const std::string s = spec(kGrid);
  ASSERT_EQ(run_dev(s, "dev", " --workers 2").exit_code, 0);
  const Result cluster = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  EXPECT_NE(cluster.output.find("2 MPI groups of 1 rank"), std::string::npos) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  ASSERT_EQ(dev.trials.size(), mpi.trials.size());
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed);
    expect_same_curves(dev, mpi, i);
    EXPECT_TRUE(std::filesystem::exists(out("mpi") + "/checkpoints/" + trial_name(i) + ".h5"));
  }
}

// K-fold cross-validation with repeats, a validation metric and eval_train: the same trials,
// folds and curves under mpirun as in dev mode.
TEST_F(ClusterTest, FoldsAndRepeatsUnderMpirunMatchDevMode) {
  const std::string s = spec(
      "repeats: 2\nmetric: {name: val_error}\n"
      "parameters:\n  model.dropout: {values: [0.0, 0.4]}\n",
      "grid");
  // kfold and eval_train go into the fixed blocks: rewrite them in.
  std::string text;
  {
    std::ifstream in(s);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("/data}"), 6, "/data, kfold: 3}");
  text.replace(text.find("lr: 0.05}"), 9, "lr: 0.05, eval_train: 100}");
  std::ofstream(s) << text;
  ASSERT_EQ(run_dev(s, "dev", " --workers 2").exit_code, 0);
  const Result cluster = mpirun(4, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  ASSERT_EQ(dev.trials.size(), 12u);  // 2 configurations x 3 folds x 2 repeats
  ASSERT_EQ(mpi.trials.size(), 12u);
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed);
    EXPECT_EQ(mpi.trials[i].fold, static_cast<int64_t>(i / 2 % 3));
    EXPECT_EQ(mpi.trials[i].repeat, static_cast<int64_t>(i % 2));
    EXPECT_EQ(mpi.trials[i].configuration, static_cast<int64_t>(i / 6));
    EXPECT_TRUE(mpi.trials[i].curves.count("val_error"));
    expect_same_curves(dev, mpi, i);
  }
}

TEST_F(ClusterTest, GroupsOfTwoMatchDevModeAndLeaveTheOddRankIdle) {
  const std::string s = spec(std::string(kGrid) + "resources: {ranks_per_trial: 2}\n");
  ASSERT_EQ(run_dev(s, "dev").exit_code, 0);
  const Result cluster = mpirun(4, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  EXPECT_NE(cluster.output.find("1 MPI group of 2 ranks (1 rank left idle)"), std::string::npos)
      << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    ASSERT_EQ(mpi.trials[i].status, TrialStatus::completed) << mpi.trials[i].message;
    const double a = dev.trials[i].curves.at("train_loss")[0],
                 b = mpi.trials[i].curves.at("train_loss")[0];
    EXPECT_NEAR(a, b, 1e-4 * a) << "trial " << i;
  }
}

// Fine-tuning under mpirun: groups of one rank train bitwise as dev mode; in groups of two the
// frozen layer stays the checkpoint's, bit for bit, on the group's gradients.
TEST_F(ClusterTest, FineTuningUnderMpirunMatchesDevMode) {
  ASSERT_EQ(run_dev(spec(""), "pre").exit_code, 0);
  const std::string from = out("pre") + "/checkpoints/0000.h5";
  const std::string tuning = "parameters:\n  training.finetune.from: {values: [" + from +
                             "]}\n  training.finetune.freeze: {values: [[\"1\"]]}\n"
                             "  training.finetune.lr_mult: {values: [{\"4\": 0.5}]}\n"
                             "  training.momentum: {values: [0.9]}\n"
                             "  model.dropout: {values: [0.0, 0.4]}\n";
  const std::string s = spec(tuning);
  ASSERT_EQ(run_dev(s, "dev", " --workers 2").exit_code, 0);
  const Result cluster = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  ASSERT_EQ(mpi.trials.size(), 2u);
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed) << mpi.trials[i].message;
    expect_same_curves(dev, mpi, i);
  }

  const Result pairs = mpirun(
      3, "run " + spec(tuning + "resources: {ranks_per_trial: 2}\n") + " --out " + out("pairs"));
  ASSERT_EQ(pairs.exit_code, 0) << pairs.output;
  const CheckpointData pretrained = read_checkpoint_file(from);
  for (int64_t id = 0; id < 2; ++id) {
    const CheckpointData tuned =
        read_checkpoint_file(out("pairs") + "/checkpoints/" + trial_name(id) + ".h5");
    ASSERT_EQ(tuned.params[0].name, "1.weight");
    for (int64_t i = 0; i < tuned.params[0].tensor.size(); ++i)
      ASSERT_EQ(tuned.params[0].tensor[i], pretrained.params[0].tensor[i]) << "1.weight is frozen";
    const double a = dev.trials[id].curves.at("train_loss")[0],
                 b = record("pairs").trials[id].curves.at("train_loss")[0];
    EXPECT_NEAR(a, b, 1e-4 * a) << "trial " << id;
  }
}

// Ranks that mpirun left unbound (as it does for 3 ranks on 2 cores; said explicitly here, so
// that the test means the same on bigger machines): hpsweep binds the 2 workers to CPUs of
// their own and lets the coordinator float (cluster/cpu_binding.h), unless told not to.
TEST_F(ClusterTest, WorkersGetTheirOwnCpusUnlessToldNot) {
  if (allowed_cpus().size() < 2) GTEST_SKIP() << "one CPU: nothing to share out";
  const std::string s = spec("");
  const Result bound = mpirun(3, "run " + s + " --out " + out("bound"), "--bind-to none");
  ASSERT_EQ(bound.exit_code, 0) << bound.output;
  EXPECT_NE(bound.output.find("workers bound on"), std::string::npos) << bound.output;
  EXPECT_NE(bound.output.find("rank 1 on CPU"), std::string::npos) << bound.output;
  EXPECT_NE(bound.output.find("rank 2 on CPU"), std::string::npos) << bound.output;
  const Result unbound =
      mpirun(3, "run " + s + " --out " + out("unbound") + " --no-worker-binding", "--bind-to none");
  ASSERT_EQ(unbound.exit_code, 0) << unbound.output;
  EXPECT_EQ(unbound.output.find("workers bound"), std::string::npos) << unbound.output;
}

// A group whose window of shared memory cannot be made (here: Open MPI's backing directory
// does not exist; in containers, a small /dev/shm) says so and sums with MPI_Allreduce: the
// same results as with the window, rather than a hang.
TEST_F(ClusterTest, GroupsWithoutRoomForSharedMemorySumThroughMpi) {
  const std::string s = spec("resources: {ranks_per_trial: 2}\n");
  const Result shared = mpirun(3, "run " + s + " --out " + out("shared"));
  ASSERT_EQ(shared.exit_code, 0) << shared.output;
  EXPECT_EQ(shared.output.find("MPI_Allreduce instead"), std::string::npos) << shared.output;
  const Result fallback = mpirun(3, "run " + s + " --out " + out("fallback"),
                                 "-x OMPI_MCA_osc_sm_backing_directory=/nonexistent/shm");
  ASSERT_EQ(fallback.exit_code, 0) << fallback.output;
  EXPECT_NE(fallback.output.find("hpsweep: /nonexistent/shm: No such file or directory: this "
                                 "group sums gradients with MPI_Allreduce instead"),
            std::string::npos)
      << fallback.output;
  // Two ranks add in the same order either way: the same bits.
  expect_same_curves(record("shared"), record("fallback"), 0);
}

TEST_F(ClusterTest, FailedAndDivergedTrialsDoNotStopTheSweep) {
  // Trial 1 diverges; trial 2's checkpoint cannot be written (a folder sits where its
  // temporary file goes: a group leader's, of the folder's first run, storage/run_fence.h), so
  // its group leader fails it and tells the rest of the group.
  const std::string s = spec(
      "resources: {ranks_per_trial: 2}\nparameters:\n  training.lr: {values: [0.05, 1.0e+30, 0.05, "
      "0.1]}\n");
  std::filesystem::create_directories(out("mpi") + "/checkpoints/0002.h5.tmp-g1");
  const Result cluster = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord r = record("mpi");
  EXPECT_EQ(r.trials[0].status, TrialStatus::completed);
  EXPECT_EQ(r.trials[1].status, TrialStatus::diverged);
  EXPECT_NE(r.trials[1].message.find("loss became"), std::string::npos) << r.trials[1].message;
  EXPECT_EQ(r.trials[2].status, TrialStatus::failed);
  EXPECT_NE(r.trials[2].message.find("0002.h5: cannot write"), std::string::npos)
      << r.trials[2].message;
  EXPECT_EQ(r.trials[3].status, TrialStatus::completed);
}

TEST_F(ClusterTest, AnExceptionOnOneRankOfAGroupFailsTheTrialWithoutAHang) {
  // Rank 2, the second rank of the only group, throws while preparing its first trial; its
  // leader (rank 1) does not. The group agrees the trial failed, then trains the next one.
  const std::string s =
      spec("resources: {ranks_per_trial: 2}\nparameters:\n  training.lr: {values: [0.05, 0.1]}\n");
  const std::string arguments = std::string(HPSWEEP_BINARY) + " run " + s + " --out " + out("mpi");
  const Result cluster = run(std::string(MPIEXEC) + " -n 2 " + arguments +
                             " : -n 1 -x HPSWEEP_FAILPOINT=trial-setup:1:throw " + arguments);
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord r = record("mpi");
  EXPECT_EQ(r.trials[0].status, TrialStatus::failed);
  EXPECT_EQ(r.trials[0].message, "rank 2: failpoint trial-setup");
  EXPECT_EQ(r.trials[1].status, TrialStatus::completed) << r.trials[1].message;
}

TEST_F(ClusterTest, TooFewRanksForOneGroupIsAClearError) {
  const Result r =
      mpirun(2, "run " + spec("resources: {ranks_per_trial: 2}\n") + " --out " + out("mpi"));
  EXPECT_EQ(r.exit_code, 2);
  // (mpirun may interleave its own report with rank 0's line, so prefix and message apart.)
  EXPECT_NE(r.output.find("hpsweep: error: "), std::string::npos) << r.output;
  const std::string message =
      "resources.ranks_per_trial: a group of 2 ranks needs at least 3 MPI ranks (rank 0 "
      "coordinates), got 2\n";
  EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(message), r.output.rfind(message)) << "printed once, not by every rank";
  EXPECT_FALSE(std::filesystem::exists(out("mpi")));
}

TEST(ControlMessages, SchedulingMessagesRoundTrip) {
  const auto round_trip = [](const ControlMessage& m) { return decode_message(encode_message(m)); };
  const auto assign = std::get<AssignTrialMessage>(round_trip(AssignTrialMessage{
      3, 2, true, {{"training.lr", 0.25}, {"model.depth", int64_t{2}}, {"model.type", "mlp"}}}));
  EXPECT_EQ(assign.trial_id, 3);
  EXPECT_EQ(assign.resume_epoch, 2);
  EXPECT_TRUE(assign.judged);
  ASSERT_EQ(assign.hyperparameters.size(), 3u);
  EXPECT_EQ(assign.hyperparameters[0].path, "training.lr");
  EXPECT_EQ(std::get<double>(assign.hyperparameters[0].value), 0.25);
  EXPECT_EQ(std::get<int64_t>(assign.hyperparameters[1].value), 2);
  EXPECT_EQ(std::get<std::string>(assign.hyperparameters[2].value), "mlp");
  EpochMetrics metrics;
  metrics.epoch = 4;
  metrics.test_error = 0.125;
  const auto judge = std::get<JudgeMessage>(round_trip(JudgeMessage{5, metrics}));
  EXPECT_EQ(judge.trial_id, 5);
  EXPECT_EQ(judge.metrics.test_error, 0.125);
  const auto verdict = std::get<VerdictMessage>(round_trip(VerdictMessage{4, false}));
  EXPECT_EQ(verdict.epoch, 4);
  EXPECT_FALSE(verdict.proceed);
  EXPECT_TRUE(std::get<EpochMessage>(round_trip(EpochMessage{1, metrics, true})).checkpointed);
}

// Decisions without their wall time.
std::vector<std::string> decisions_of(const SweepRecord& r) {
  std::vector<std::string> rows;
  for (const DecisionRow& d : r.decisions)
    rows.push_back(std::to_string(d.sequence) + " " + std::to_string(d.trial) + " " + d.kind + " " +
                   std::to_string(d.epoch) + " " + std::to_string(d.source_trial) + " [" +
                   d.hyperparameters + "] " + d.reason);
  return rows;
}

// Each exploit as "TRIAL from SOURCE [values]", in order.
std::vector<std::string> exploits_of(const SweepRecord& r) {
  std::vector<std::string> rows;
  for (const DecisionRow& d : r.decisions)
    if (d.kind == "exploit")
      rows.push_back(std::to_string(d.trial) + " from " + std::to_string(d.source_trial) + " [" +
                     d.hyperparameters + "]");
  return rows;
}

TEST_F(ClusterTest, AshaUnderMpirunDecidesAsDevMode) {
  // One group at a time, as one dev-mode worker: the same order of reports, so the same
  // decisions; groups of one rank train bitwise as dev mode.
  const std::string s = spec(
      std::string(kGrid) + "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n");
  ASSERT_EQ(run_dev(s, "dev", " --workers 1").exit_code, 0);
  const Result cluster = mpirun(2, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  EXPECT_EQ(decisions_of(mpi), decisions_of(dev));
  std::set<std::string> kinds;
  for (const DecisionRow& d : mpi.decisions) kinds.insert(d.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"start", "pause", "promote", "stop", "complete"}));
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, dev.trials[i].status) << "trial " << i;
    EXPECT_EQ(mpi.trials[i].message, dev.trials[i].message) << "trial " << i;
    expect_same_curves(mpi, dev, i);
  }

  // Groups of two ranks agree on every verdict: the leader passes it on.
  const std::string pairs = spec(std::string(kGrid) +
                                 "early_terminate: {type: asha, grace_period: 1, "
                                 "reduction_factor: 2}\nresources: {ranks_per_trial: 2}\n");
  const Result grouped = mpirun(3, "run " + pairs + " --out " + out("pairs"));
  ASSERT_EQ(grouped.exit_code, 0) << grouped.output;
  const SweepRecord r = record("pairs");
  for (size_t i = 0; i < r.trials.size(); ++i)
    EXPECT_EQ(r.trials[i].status, dev.trials[i].status) << "trial " << i << r.trials[i].message;
}

TEST_F(ClusterTest, BayesUnderMpirunSuggestsAsDevMode) {
  // One group at a time: the same order of results as one dev-mode worker, so the same
  // suggestions (BOHB: from the rungs' results too), values and curves.
  const std::string s = spec(
      "run_cap: 6\nbayes: {startup_trials: 2}\nparameters:\n  model.dropout: {min: 0.0, "
      "max: 0.6}\n  training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}\n"
      "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n",
      "bayes");
  ASSERT_EQ(run_dev(s, "dev", " --workers 1").exit_code, 0);
  const Result cluster = mpirun(2, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  EXPECT_EQ(decisions_of(mpi), decisions_of(dev));
  int modelled = 0;
  for (const DecisionRow& d : mpi.decisions) modelled += d.reason.rfind("TPE from", 0) == 0;
  EXPECT_GT(modelled, 0);
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(hyperparameters_text(mpi.trials[i].swept), hyperparameters_text(dev.trials[i].swept))
        << "trial " << i;
    EXPECT_EQ(mpi.trials[i].status, dev.trials[i].status) << "trial " << i;
    expect_same_curves(mpi, dev, i);
  }
}

TEST_F(ClusterTest, PbtUnderMpirunExploitsAsDevMode) {
  // PBT's exploits do not depend on the order of reports: two groups, two dev workers.
  const std::string s = spec(
      "pbt: {population: 4, perturbation_interval: 1, mutations: {training.lr: {distribution: "
      "log_uniform_values, min: 0.01, max: 0.2}}}\nparameters:\n  model.dropout: {values: [0.0, "
      "0.4]}\n",
      "pbt");
  ASSERT_EQ(run_dev(s, "dev", " --workers 2").exit_code, 0);
  const Result cluster = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  EXPECT_EQ(exploits_of(mpi).size(), 1u);
  EXPECT_EQ(exploits_of(mpi), exploits_of(dev));
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed) << mpi.trials[i].message;
    expect_same_curves(mpi, dev, i);
  }
}

TEST_F(ClusterTest, SimulatedSweepUnderMpirunWritesTheSameCurvesAsDevMode) {
  // Simulated trials through both pools: PBT pauses, exploits and resumes them from their
  // checkpoints; its decisions do not depend on the order of reports.
  const auto path = dir_ / "simulated.yaml";
  std::ofstream(path) << "name: simulated\nseed: 2\nmethod: pbt\nmodel: {type: simulated}\n"
                         "simulated: {epoch_seconds: 0.01}\ntraining: {epochs: 4}\n"
                         "pbt: {population: 6, perturbation_interval: 1, mutations: "
                         "{training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}}}\n"
                         "parameters:\n  training.lr: {values: [0.001, 0.01, 0.1, 1]}\n";
  ASSERT_EQ(run_dev(path.string(), "dev", " --workers 2").exit_code, 0);
  const Result cluster = mpirun(3, "run " + path.string() + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  EXPECT_GE(exploits_of(mpi).size(), 3u);
  EXPECT_EQ(exploits_of(mpi), exploits_of(dev));
  ASSERT_EQ(dev.trials.size(), mpi.trials.size());
  for (size_t i = 0; i < dev.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed) << mpi.trials[i].message;
    expect_same_curves(mpi, dev, i);
  }
}

TEST_F(ClusterTest, AFailedTrialIsRetriedUpToMaxRetries) {
  // Trial 1's checkpoint can never be written: it fails, runs twice more, and stays failed.
  const std::string s =
      spec("resources: {max_retries: 2}\nparameters:\n  training.lr: {values: [0.05, 0.06]}\n");
  // (A non-empty folder where the group leader's temporary file goes: the failed write's
  // clean-up cannot remove it.)
  std::filesystem::create_directories(out("mpi") + "/checkpoints/0001.h5.tmp-g1/blocker");
  const Result cluster = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.output;
  const SweepRecord r = record("mpi");
  EXPECT_EQ(r.trials[0].status, TrialStatus::completed);
  EXPECT_EQ(r.trials[1].status, TrialStatus::failed);
  int failures = 0;
  for (const JournalRecord& j : read_journal(out("mpi") + "/journal.log"))
    failures += j.trial_id == 1 && j.status == TrialStatus::failed;
  EXPECT_EQ(failures, 3) << "one attempt and two retries";
  EXPECT_NE(cluster.output.find("failed and will run again: retry 1 of 2 after: "),
            std::string::npos)
      << cluster.output;
}

TEST_F(ClusterTest, SigtermStopsEveryRankSoonAndARerunFinishes) {
  const std::string s = spec("parameters:\n  training.epochs: {values: [2000, 2000]}\n");
  const std::string log = out("log");
  const std::string command = std::string(MPIEXEC) + " -n 3 " + HPSWEEP_BINARY + " run " + s +
                              " --out " + out("mpi") + " > " + log + " 2>&1 & echo $!";
  const Result started = run(command);
  const pid_t mpirun_pid = std::stoi(started.output);
  // Wait until both trials have recorded an epoch, then send what Slurm sends at its time limit.
  wait_until_both_trials_are_under_way("mpi");
  const auto sent = std::chrono::steady_clock::now();
  kill(mpirun_pid, SIGTERM);
  EXPECT_LT(wait_for_exit(mpirun_pid, sent, std::chrono::seconds(20)), std::chrono::seconds(10));
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("to resume: hpsweep run " + s + " --out " + out("mpi")), std::string::npos)
      << text;
  const SweepRecord stopped = record("mpi");
  EXPECT_EQ(stopped.trials[0].status, TrialStatus::interrupted);
  EXPECT_EQ(stopped.trials[1].status, TrialStatus::interrupted);

  const Result resumed = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const TrialRecord& t : record("mpi").trials) {
    EXPECT_EQ(t.status, TrialStatus::completed);
    EXPECT_EQ(t.epochs(), 2000);
  }
}

std::string this_host() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

// The PID of rank `rank` of the job whose command line names `out_dir`, or -1.
pid_t rank_pid(const std::string& out_dir, int rank) {
  const Result found = run_shell("for p in $(pgrep -f -- '--out " + out_dir +
                                 "'); do tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | "
                                 "grep -qx OMPI_COMM_WORLD_RANK=" +
                                 std::to_string(rank) + " && echo $p; done");
  return found.output.empty() ? -1 : std::stoi(found.output);
}

TEST_F(ClusterTest, ARankThatFailsMidTrialEndsTheJobAndTheRerunResumes) {
  // Rank 2, the second rank of the only group, throws at its 20th training step (the second
  // epoch of the first trial): its leader would wait for it in the next allreduce forever.
  // The whole job ends with its message instead, and the rerun continues from the checkpoints
  // to the result of an uninterrupted run.
  const std::string s =
      spec("resources: {ranks_per_trial: 2}\nparameters:\n  training.lr: {values: [0.05, 0.1]}\n");
  ASSERT_EQ(mpirun(3, "run " + s + " --out " + out("whole")).exit_code, 0);
  const std::string arguments = std::string(HPSWEEP_BINARY) + " run " + s + " --out " + out("mpi");
  const auto start = std::chrono::steady_clock::now();
  const Result failed = run(std::string(MPIEXEC) + " -n 2 " + arguments +
                            " : -n 1 -x HPSWEEP_FAILPOINT=training-step:20:throw " + arguments);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find(std::string("hpsweep: rank 2 on ") + this_host() +
                               " failed: failpoint training-step (its group cannot go on without "
                               "it); ending the job: rerun it to resume the sweep"),
            std::string::npos)
      << failed.output;
  EXPECT_EQ(record("mpi").trials[0].epochs(), 1);

  const Result resumed = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const SweepRecord whole = record("whole"), mpi = record("mpi");
  for (size_t i = 0; i < whole.trials.size(); ++i) {
    EXPECT_EQ(mpi.trials[i].status, TrialStatus::completed);
    expect_same_curves(whole, mpi, i);
  }
}

TEST_F(ClusterTest, ASilentRankEndsTheJobWithinTheWatchdogAndTheRerunResumes) {
  // A stopped process stands for a node that hangs or drops off the network: alive to MPI,
  // silent to everyone. The coordinator names it after --watchdog and ends the job.
  const std::string s = spec("parameters:\n  training.epochs: {values: [600, 600]}\n");
  ASSERT_EQ(run_dev(s, "dev").exit_code, 0);
  const std::string log = out("log");
  const std::string job = std::string(MPIEXEC) + " -n 3 " + HPSWEEP_BINARY + " run " + s +
                          " --out " + out("mpi") + " --watchdog 2";
  const Result started = run("(" + job + " > " + log + " 2>&1; echo exit $? >> " + log +
                             ") > /dev/null 2>&1 & echo $!");
  const pid_t shell_pid = std::stoi(started.output);
  pid_t silent = -1;
  for (int i = 0; i < 3000 && silent < 0; ++i) {
    silent = rank_pid(out("mpi"), 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(silent, 0);
  wait_until_both_trials_are_under_way("mpi");
  const auto stopped = std::chrono::steady_clock::now();
  kill(silent, SIGSTOP);
  const auto took = wait_for_exit(shell_pid, stopped, std::chrono::seconds(30));
  EXPECT_GT(took, std::chrono::seconds(1));  // the silence limit (1.7 s) less one interval
  EXPECT_LT(took, std::chrono::seconds(12));
  // mpirun kills the stopped rank as the job ends; it may take a moment to be reaped.
  for (int i = 0; i < 250 && kill(silent, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (kill(silent, 0) == 0) {
    kill(silent, SIGKILL);
    ADD_FAILURE() << "the silent rank outlived the job";
  }
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find(std::string("hpsweep: lost rank 2 on ") + this_host() +
                      ": no heartbeat for 1.7 s (--watchdog 2 s); the node, its network or the "
                      "processes are gone; ending the job: rerun it to resume"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("exit 69"), std::string::npos) << text;

  const Result resumed = mpirun(3, "run " + s + " --out " + out("mpi"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming:"), std::string::npos) << resumed.output;
  const SweepRecord dev = record("dev"), mpi = record("mpi");
  for (size_t i = 0; i < dev.trials.size(); ++i) expect_same_curves(dev, mpi, i);
}

}  // namespace
}  // namespace hpsweep::testing
