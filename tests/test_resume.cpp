// Resuming sweeps in process: the journal's format and torn lines, a sweep stopped and resumed
// (several times) ending bitwise as an uninterrupted one (also with momentum and Adam), and a
// folder of another spec refused with what differs, or moved aside with --restart.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "coordinator/sweep_recovery.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"
#include "support/stopped_sweep.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

TEST(Journal, RoundTripsAndIgnoresATornLastLine) {
  TempDir dir;
  const std::string path = (dir / "journal.log").string();
  {
    JournalWriter journal(path);
    journal.append({3, TrialStatus::failed, 2, "bad\tthing\nhappened \\ here"});
    journal.append({1, TrialStatus::completed, 5, ""});
  }
  std::ofstream(path, std::ios::app) << "end\t4\tcompl";  // a kill in the middle of a write
  const std::vector<JournalRecord> records = read_journal(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].trial_id, 3);
  EXPECT_EQ(records[0].status, TrialStatus::failed);
  EXPECT_EQ(records[0].epoch, 2);
  EXPECT_EQ(records[0].message, "bad\tthing\nhappened \\ here");
  EXPECT_EQ(records[1].status, TrialStatus::completed);
  EXPECT_TRUE(read_journal((dir / "none").string()).empty());
}

TEST(Journal, SchedulerCallsRoundTripBitwiseBesideTrialEnds) {
  TempDir dir;
  const std::string path = (dir / "journal.log").string();
  const double value = 0.1 + 0.2;  // not a short decimal
  {
    JournalWriter journal(path);
    journal.append({SchedulerCall::Kind::next, 2});
    journal.append({SchedulerCall::Kind::report, 2, 3, value});
    journal.append({2, TrialStatus::paused, 3, "rank 2 of 2 at rung 1 (epoch 3)"});
    journal.append({SchedulerCall::Kind::copied, 2, 3, 0, 1});
    journal.append({SchedulerCall::Kind::ended, 2});
  }
  const std::vector<SchedulerCall> calls = read_scheduler_calls(path);
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].kind, SchedulerCall::Kind::next);
  EXPECT_EQ(calls[1].kind, SchedulerCall::Kind::report);
  EXPECT_EQ(calls[1].epoch, 3);
  EXPECT_EQ(calls[1].value, value);
  EXPECT_EQ(calls[2].kind, SchedulerCall::Kind::copied);
  EXPECT_EQ(std::tie(calls[2].source, calls[2].trial, calls[2].epoch),
            std::tuple(int64_t{1}, int64_t{2}, int64_t{3}));
  EXPECT_EQ(calls[3].kind, SchedulerCall::Kind::ended);
  const std::vector<JournalRecord> ends = read_journal(path);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].status, TrialStatus::paused);
}

void expect_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t p = 0; p < a.size(); ++p)
    for (int64_t i = 0; i < a[p].tensor.size(); ++i)
      ASSERT_EQ(a[p].tensor[i], b[p].tensor[i]) << a[p].name;
}

void expect_same_results(const SweepRecord& a, const SweepRecord& b) {
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (size_t i = 0; i < a.trials.size(); ++i) {
    EXPECT_EQ(a.trials[i].status, b.trials[i].status) << "trial " << i;
    for (const char* curve :
         {"epoch", "train_loss", "train_error", "test_loss", "test_error", "lr"})
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
          << "trial " << i << " " << curve;
  }
}

class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 3000, 300, 8); }

  SweepSpec spec(const std::string& extra = "") {
    return spec_with(
        "lr: 0.05",
        "  model.dropout: {values: [0.0, 0.3]}\n  model.depth: {values: [1, 2]}\n" + extra);
  }

  // `training`: the training block's keys besides epochs and batch_size.
  SweepSpec spec_with(const std::string& training, const std::string& parameters) {
    return parse_spec(
        "name: resume\nseed: 21\nmethod: grid\ndataset: {path: " + (dir_ / "data").string() +
            "}\nmodel: {width: 48, init: he}\ntraining: {epochs: 6, batch_size: 30, " + training +
            "}\ncheckpoint: {every: 2}\nparameters:\n" + parameters,
        "resume.yaml");
  }

  // Runs `s` uninterrupted into "reference", then stopped and resumed into "cut" until it
  // finishes; the results and each trial's last checkpoint must be bitwise the same.
  void expect_resumes_bitwise(const SweepSpec& s) {
    run(s, "reference", std::chrono::milliseconds(0));
    // Stop after growing delays until a run finishes: each stop lands somewhere else.
    int stops = 0;
    for (int delay = 40; run(s, "cut", std::chrono::milliseconds(delay)).interrupted; delay += 60)
      ++stops;
    EXPECT_GE(stops, 1)
        << "the sweep must have been stopped at least once for this test to mean much";
    expect_same_results(record("reference"), record("cut"));
    for (int64_t id = 0; id < static_cast<int64_t>(record("reference").trials.size()); ++id) {
      const CheckpointData a = checkpoint("reference", id), b = checkpoint("cut", id);
      EXPECT_EQ(a.optimizer.steps, b.optimizer.steps);
      EXPECT_EQ(a.best_epoch, b.best_epoch);
      expect_same_tensors(a.params, b.params);
      ASSERT_EQ(a.optimizer.buffers.size(), b.optimizer.buffers.size());
      for (size_t k = 0; k < a.optimizer.buffers.size(); ++k)
        expect_same_tensors(a.optimizer.buffers[k].tensors, b.optimizer.buffers[k].tensors);
    }
  }

  CheckpointData checkpoint(const std::string& out, int64_t id) {
    return read_checkpoint_file(checkpoint_path((dir_ / out).string(), id));
  }

  SweepSummary run(const SweepSpec& s, const std::string& out, std::chrono::milliseconds stop_after,
                   bool restart = false) {
    return run_local_sweep_stopped_after(s, RunOptions{(dir_ / out).string(), 2, false, restart},
                                         stop_after);
  }

  SweepRecord record(const std::string& out) {
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  TempDir dir_;
};

TEST_F(ResumeTest, StoppedAndResumedSweepsEndAsAnUninterruptedOne) {
  expect_resumes_bitwise(spec());
}

// SGD with momentum and Adam: their per-parameter state must come back from the checkpoint.
TEST_F(ResumeTest, MomentumAndAdamResumeBitwise) {
  const SweepSpec s = spec_with(
      "lr: 0.01, weight_decay: 0.001, momentum: 0.9",
      "  training.optimizer: {values: [sgd, adam]}\n  model.dropout: {values: [0.0, 0.3]}\n");
  expect_resumes_bitwise(s);
  for (const TrialRecord& trial : record("reference").trials)
    EXPECT_EQ(trial.status, TrialStatus::completed) << "trial " << trial.id;
  for (int64_t id = 0; id < 4; ++id) {
    const OptimizerState state = checkpoint("reference", id).optimizer;
    EXPECT_EQ(state.buffers.size(), state.type == "adam" ? 2u : 1u) << "trial " << id;
  }
}

// Learning-rate schedules, with a warm-up over 150 updates (1.5 epochs of 100): the rate is a
// function of the epochs finished and the optimizer's step count, both in the checkpoint. The lr
// curve is each epoch's last rate: with momentum 0.9, lr 0.05 and step_size 2, gamma 0.1, epoch
// 3 of the step schedule trains at 0.005.
TEST_F(ResumeTest, LrSchedulesResumeBitwise) {
  const SweepSpec s = spec_with(
      "lr: 0.05, momentum: 0.9, lr_schedule: {step_size: 2, milestones: [1, 4], t_max: 5, "
      "warmup: {iterations: 150}}",
      "  training.lr_schedule.type: {values: [step, multistep, cosine]}\n");
  expect_resumes_bitwise(s);
  const SweepRecord reference = record("reference");
  ASSERT_EQ(reference.trials.size(), 3u);
  const std::vector<double>& step = reference.trials[0].curves.at("lr");
  ASSERT_EQ(step.size(), 6u);
  EXPECT_DOUBLE_EQ(step[2], 0.005);
  EXPECT_DOUBLE_EQ(reference.trials[1].curves.at("lr")[5], 0.0005);  // past both milestones
  EXPECT_DOUBLE_EQ(reference.trials[2].curves.at("lr")[5], 0.0);     // t = t_max
}

// A convolutional network with batch norm, augmented images and momentum: the running
// statistics, the momentum buffers and the augmentation draws all continue where they were.
TEST_F(ResumeTest, BatchNormLeNetWithAugmentationResumesBitwise) {
  const SweepSpec s =
      spec_with("lr: 0.05, momentum: 0.9",
                "  model.type: {values: [lenet-bn]}\n  model.width: {values: [4]}\n"
                "  dataset.flip: {values: [true]}\n  dataset.train_subset: {values: [120]}\n"
                "  dataset.crop_padding: {values: [0, 2]}\n");
  expect_resumes_bitwise(s);
  for (const TrialRecord& trial : record("reference").trials)
    EXPECT_EQ(trial.status, TrialStatus::completed) << "trial " << trial.id;
  bool has_running_stats = false;
  for (const NamedTensor& p : checkpoint("reference", 0).params)
    has_running_stats |= p.name == "1.running_var";
  EXPECT_TRUE(has_running_stats);
}

// Language models (worker/language_model_trainer.h): stacked cells with dropout, the state
// carried by sequential partitioning, clipping and momentum. Each epoch starts from a zero state
// and draws its batches from (seed, epoch), so a checkpoint at an epoch's end is all a resume
// needs.
TEST_F(ResumeTest, LanguageModelsResumeBitwise) {
  const std::string corpus = (dir_ / "corpus.txt").string();
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 60; ++i)
      out << "The time traveller smiled. The quick brown fox jumps over the lazy dog.\n";
  }
  const SweepSpec s = parse_spec(
      "name: resume-lm\nseed: 21\nmethod: grid\ndataset: {name: text, path: " + corpus +
          ", sampling: sequential}\nmodel: {type: rnn-lm, width: 96, depth: 2, dropout: 0.2, "
          "embedding: 16}\ntraining: {epochs: 6, batch_size: 16, num_steps: 20, lr: 0.5, "
          "momentum: 0.9, clip_norm: 1}\ncheckpoint: {every: 2}\nparameters:\n"
          "  model.cell: {values: [gru, lstm]}\n",
      "resume-lm.yaml");
  expect_resumes_bitwise(s);
  for (const TrialRecord& trial : record("reference").trials) {
    EXPECT_EQ(trial.status, TrialStatus::completed) << "trial " << trial.id;
    EXPECT_EQ(trial.curves.at("test_perplexity"),
              record("cut").trials[trial.id].curves.at("test_perplexity"));
  }
}

// Fine-tuning from another sweep's checkpoint, with the first Linear frozen (no momentum
// buffer to restore for it), the output layer drawn afresh and trained at twice the rate.
TEST_F(ResumeTest, FineTuningResumesBitwise) {
  run(spec_with("lr: 0.05", "  model.dropout: {values: [0.0]}\n"), "pretrained",
      std::chrono::milliseconds(0));
  const std::string from = checkpoint_path((dir_ / "pretrained").string(), 0);
  const SweepSpec s = spec_with(
      "lr: 0.02, momentum: 0.9, finetune: {from: " + from +
          ", reinit: [\"4\"], freeze: [\"1\"], lr_mult: {\"4\": 2}}",
      "  model.dropout: {values: [0.0, 0.3]}\n  training.optimizer: {values: [sgd, adam]}\n");
  expect_resumes_bitwise(s);
  for (const TrialRecord& trial : record("reference").trials)
    EXPECT_EQ(trial.status, TrialStatus::completed) << "trial " << trial.id;
  const CheckpointData pretrained = checkpoint("pretrained", 0), tuned = checkpoint("cut", 3);
  EXPECT_EQ(tuned.params[0].name, "1.weight");
  for (int64_t i = 0; i < tuned.params[0].tensor.size(); ++i)
    ASSERT_EQ(tuned.params[0].tensor[i], pretrained.params[0].tensor[i]) << "1.weight is frozen";
  for (const ParameterStates& buffer : tuned.optimizer.buffers)
    EXPECT_EQ(buffer.tensors.front().name, "4.weight") << buffer.kind;
}

TEST_F(ResumeTest, AnotherSpecIsRefusedUnlessRestarted) {
  run(spec(), "out", std::chrono::milliseconds(0));
  const SweepSpec other = spec("  training.lr: {values: [0.05, 0.07]}\n");
  try {
    run(other, "out", std::chrono::milliseconds(0));
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "out").string() +
                                         ": holds a sweep of another spec (the number of trials is "
                                         "4 in the stored spec, 8 in this "
                                         "one); use another --out folder, or --restart to move the "
                                         "old results aside and start over");
  }
  EXPECT_EQ(record("out").trials.size(), 4u) << "the refused run must not touch the old sweep";
  const SweepSummary restarted = run(other, "out", std::chrono::milliseconds(0), /*restart=*/true);
  EXPECT_FALSE(restarted.resumed);
  EXPECT_EQ(record("out").trials.size(), 8u);
  int moved = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path()))
    moved += entry.path().filename().string().rfind("out.old-", 0) == 0;
  EXPECT_EQ(moved, 1);
}

// A resume continues only from a trial's own checkpoint at an epoch it can have reached, with
// its curves: a file copied in its place or an edited epoch is refused, naming the file.
TEST_F(ResumeTest, AForeignOrDamagedCheckpointIsRefused) {
  const SweepSpec s = spec();
  run(s, "out", std::chrono::milliseconds(0));
  const std::string first = checkpoint_path((dir_ / "out").string(), 0);
  const std::string second = checkpoint_path((dir_ / "out").string(), 1);
  const auto refusal = [&]() -> std::string {
    try {
      run(s, "out", std::chrono::milliseconds(0));
    } catch (const UserError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string advice = "; delete it to train the trial afresh, or rerun with --restart";
  std::filesystem::copy_file(second, first, std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(refusal(),
            first + ": holds trial 0001, not 0000 (a file copied in its place?)" + advice);
  for (const int64_t epoch : {999, -5, 3}) {
    CheckpointData c = read_checkpoint_file(second);
    c.trial_id = 0;
    c.epoch = epoch;
    write_checkpoint_file(first, c);
    EXPECT_EQ(refusal(), epoch == 3 ? first + ": holds epoch 3 but curves for 6 epochs" + advice
                                    : first + ": holds epoch " + std::to_string(epoch) +
                                          ", outside the trial's 1..6" + advice);
  }
  std::filesystem::remove(first);  // the advice works: the trial trains again
  EXPECT_FALSE(run(s, "out", std::chrono::milliseconds(0)).interrupted);
  EXPECT_EQ(record("out").trials[0].status, TrialStatus::completed);
}

TEST_F(ResumeTest, AChangedValueIsNamed) {
  run(spec(), "out", std::chrono::milliseconds(0));
  SweepSpec other = spec();
  other.base.training.lr = 0.06;
  try {
    run(other, "out", std::chrono::milliseconds(0));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "trial 0000: `training.lr: 0.05` in the stored spec, `training.lr: 0.06` "
                  "in this one"),
              std::string::npos)
        << e.what();
  }
}

// Every key that changes which trials run, and for how long, is compared before anything is
// replayed (issue 17, item 5).
std::string difference(const std::string& stored, const std::string& current) {
  const auto d =
      describe_spec_difference(parse_spec(stored, "a.yaml"), parse_spec(current, "b.yaml"));
  return d ? *d : "none";
}

constexpr const char* kHyperband =
    "method: grid\ntraining: {epochs: 8}\nparameters:\n  training.lr: {values: [0.1, 0.2]}\n";

TEST(SpecDifference, EarlyTerminateAndItsSettings) {
  const std::string hyperband =
      std::string(kHyperband) + "early_terminate: {type: hyperband, eta: 3}\n";
  EXPECT_EQ(difference(hyperband, kHyperband),
            "early_terminate is hyperband in the stored spec, (none) in this one");
  EXPECT_EQ(difference(hyperband,
                       std::string(kHyperband) + "early_terminate: {type: hyperband, eta: 2}\n"),
            "early_terminate.eta is 3 in the stored spec, 2 in this one");
  EXPECT_EQ(difference(hyperband, std::string(kHyperband) + "early_terminate: {type: asha}\n"),
            "early_terminate is hyperband in the stored spec, asha in this one");
  EXPECT_EQ(difference(hyperband, hyperband), "none");
}

TEST(SpecDifference, MethodSeedRunCapRepeatsAndPbt) {
  const std::string random =
      "method: random\nrun_cap: 4\nparameters:\n  training.lr: {distribution: uniform, min: "
      "0.01, max: 0.1}\n";
  EXPECT_EQ(difference(random, "seed: 2\n" + random),
            "seed is 0 in the stored spec, 2 in this one");
  EXPECT_EQ(difference(random, "repeats: 2\n" + random),
            "repeats is 1 in the stored spec, 2 in this one");
  EXPECT_EQ(difference(kHyperband, "run_cap: 1\n" + std::string(kHyperband)),
            "run_cap is 0 in the stored spec, 1 in this one");
  const std::string pbt =
      "method: pbt\ntraining: {epochs: 8}\npbt: {population: 4, perturbation_interval: 2, "
      "mutations: {training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.1}}}\n";
  EXPECT_EQ(difference(random, pbt), "method is random in the stored spec, pbt in this one");
  std::string other = pbt;
  other.replace(other.find("interval: 2"), 11, "interval: 3");
  EXPECT_EQ(difference(pbt, other),
            "pbt.perturbation_interval is 2 in the stored spec, 3 in this one");
  other = pbt;
  other.replace(other.find("max: 0.1"), 8, "max: 0.2");
  EXPECT_EQ(difference(pbt, other),
            "pbt.mutations is {training.lr: log_uniform_values 0.01 to 0.1} in the stored spec, "
            "{training.lr: log_uniform_values 0.01 to 0.2} in this one");
}

// A bayes sweep's trials are made as they start, so a resume compares the search space itself,
// conditions included: changing a `when` changes which trials have the parameter.
TEST(SpecDifference, BayesParametersAndTheirConditions) {
  const std::string bayes =
      "method: bayes\nrun_cap: 4\nmetric: {name: test_error, goal: minimize}\nparameters:\n"
      "  model.type: {values: [mlp, lenet]}\n"
      "  model.dropout: {distribution: uniform, min: 0, max: 0.5, when: {model.type: mlp}}\n";
  EXPECT_EQ(difference(bayes, bayes), "none");
  std::string other = bayes;
  other.replace(other.find("model.type: mlp"), 15, "model.type: [mlp, lenet]");
  EXPECT_EQ(difference(bayes, other),
            "parameters is {model.type: values [mlp, lenet], model.dropout: uniform 0 to 0.5 when "
            "model.type in [mlp]} in the stored spec, {model.type: values [mlp, lenet], "
            "model.dropout: uniform 0 to 0.5 when model.type in [mlp, lenet]} in this one");
  // Optuna's model instead of hpsweep's: another search from the same results.
  EXPECT_EQ(difference(bayes, bayes + "bayes: {preset: optuna}\n").substr(0, 39),
            "bayes is {startup_trials: 10, ei_candid");
  EXPECT_NE(difference(bayes, bayes + "bayes: {preset: optuna}\n").find("weighting: improvement"),
            std::string::npos);
  other = bayes;
  other.replace(other.find("max: 0.5"), 8, "max: 0.6");
  EXPECT_EQ(difference(bayes, other).substr(0, 80),
            "parameters is {model.type: values [mlp, lenet], model.dropout: uniform 0 to 0.5 ");
}

TEST(SpecDifference, MetricGoalNamesBothGoals) {
  EXPECT_EQ(difference(kHyperband,
                       "metric: {name: test_error, goal: maximize}\n" + std::string(kHyperband)),
            "metric is test_error (minimize) in the stored spec, test_error (maximize) in this "
            "one");
}

}  // namespace
}  // namespace hpsweep::testing
