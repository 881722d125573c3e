// method bayes through the real coordinator, worker threads and files, on the small synthetic
// dataset: each trial trains with the values its start decision records, and sweep.h5 holds
// them; with one worker the same spec gives the same suggestions and results; with early
// termination (BOHB) a stopped and resumed sweep ends as the uninterrupted one, and with two
// workers a resumed sweep's trials still train with the values the journal's replay suggests.
#include <gtest/gtest.h>

#include <filesystem>

#include "coordinator/sweep_runner.h"
#include "storage/sweep_file.h"
#include "support/same_results.h"
#include "support/stopped_sweep.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

constexpr const char* kParameters =
    "method: bayes\nrun_cap: 8\nbayes: {startup_trials: 3}\nparameters:\n"
    "  training.lr: {distribution: log_uniform_values, min: 0.003, max: 0.3}\n"
    "  model.dropout: {values: [0.0, 0.5]}\n";
constexpr const char* kAsha =
    "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n";

class BayesSweepTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 400, 100, 5); }

  SweepSpec spec(const std::string& body) {
    return parse_spec("name: bayes\nseed: 5\ndataset: {path: " + (dir_ / "data").string() +
                          "}\nmodel: {width: 16, init: he}\ntraining: {epochs: 4, batch_size: 50, "
                          "lr: 0.1}\ncheckpoint: {every: 3}\n" +
                          body,
                      "bayes.yaml");
  }

  // delay_ms 0: never stopped.
  SweepSummary run(const SweepSpec& s, const std::string& out, int workers, int delay_ms = 0) {
    return run_local_sweep_stopped_after(s, RunOptions{(dir_ / out).string(), workers, false},
                                         std::chrono::milliseconds(delay_ms));
  }

  SweepRecord record(const std::string& out) {
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  TempDir dir_;
};

// Every trial's start decision, and its values in sweep.h5 as the same text. The first three
// are start-up draws; the model makes some of the rest.
void expect_values_as_decided(const SweepRecord& r) {
  int starts = 0, modelled = 0;
  for (const DecisionRow& d : r.decisions) {
    if (d.kind != "start") continue;
    ++starts;
    EXPECT_EQ(d.hyperparameters, hyperparameters_text(r.trials[d.trial].swept)) << d.trial;
    EXPECT_EQ(r.trials[d.trial].swept.size(), 2u) << d.trial;
    const bool model = d.reason.rfind("TPE from ", 0) == 0;
    EXPECT_TRUE(model || d.reason == "random start-up draw: fewer than 3 results at any epoch")
        << d.reason;
    EXPECT_TRUE(starts > 3 || !model) << d.reason;
    modelled += model;
  }
  EXPECT_EQ(starts, 8);
  EXPECT_GT(modelled, 0);
}

void expect_same_decisions(const SweepRecord& a, const SweepRecord& b) {
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (size_t i = 0; i < a.decisions.size(); ++i) {
    const DecisionRow &x = a.decisions[i], &y = b.decisions[i];
    EXPECT_EQ(std::tie(x.trial, x.kind, x.epoch, x.hyperparameters, x.reason),
              std::tie(y.trial, y.kind, y.epoch, y.hyperparameters, y.reason))
        << "decision " << i;
  }
}

TEST_F(BayesSweepTest, TrialsTrainWithTheirSuggestionsAndOneWorkerRepeatsThem) {
  const SweepSpec s = spec(kParameters);
  run(s, "first", 1);
  const SweepRecord first = record("first");
  expect_values_as_decided(first);
  // The suggestions differ, and each trial's curve is that of its values: a grid of them.
  EXPECT_NE(hyperparameters_text(first.trials[3].swept),
            hyperparameters_text(first.trials[4].swept));
  std::string grid = "method: grid\nparameters:\n  training.lr: {values: [";
  for (int t = 0; t < 8; ++t)
    grid += (t ? ", " : "") + value_string(first.trials[t].swept[0].value);
  run(spec(grid + "]}\n"), "grid", 1);
  const SweepRecord straight = record("grid");
  int compared = 0;
  for (int t = 0; t < 8; ++t) {
    if (std::get<double>(first.trials[t].swept[1].value) != 0.0) continue;  // grid's dropout
    ++compared;
    EXPECT_EQ(first.trials[t].curves.at("test_error"), straight.trials[t].curves.at("test_error"))
        << "trial " << t;
  }
  EXPECT_GT(compared, 0);

  run(s, "again", 1);
  const SweepRecord again = record("again");
  expect_same_decisions(first, again);
  expect_same_curves(first, again);
}

// BOHB: ASHA's rungs give results at epochs 1 and 2 that guide the suggestions. Stopped at
// growing delays and resumed, the sweep replays its journal to the same suggestions.
TEST_F(BayesSweepTest, StoppedAndResumedBohbSweepsEndAsUninterruptedOnes) {
  const SweepSpec s = spec(std::string(kParameters) + kAsha);
  run(s, "reference", 1);
  const SweepRecord reference = record("reference");
  expect_values_as_decided(reference);
  bool modelled_a_rung = false;
  for (const DecisionRow& d : reference.decisions)
    modelled_a_rung |= d.reason.find("at epoch 1 ") != std::string::npos;
  EXPECT_TRUE(modelled_a_rung) << "early suggestions come from the first rung's results";
  int stops = 0;
  for (int delay = 10; run(s, "cut", 1, delay).interrupted; delay += 20) ++stops;
  EXPECT_GE(stops, 1) << "the sweep must have been stopped for this test to mean much";
  const SweepRecord cut = record("cut");
  expect_same_decisions(reference, cut);
  expect_same_curves(reference, cut);
  for (size_t t = 0; t < cut.trials.size(); ++t)
    EXPECT_EQ(hyperparameters_text(cut.trials[t].swept),
              hyperparameters_text(reference.trials[t].swept))
        << t;
}

// Two workers: the order of results, so the suggestions, vary from run to run, but a resumed
// sweep's trials train with the values its replayed start decisions give them.
TEST_F(BayesSweepTest, ResumedSweepsOfTwoWorkersKeepEveryTrialsSuggestion) {
  const SweepSpec s = spec(std::string(kParameters) + kAsha);
  int stops = 0;
  for (int delay = 10; run(s, "cut", 2, delay).interrupted; delay += 20) ++stops;
  EXPECT_GE(stops, 1);
  const SweepRecord cut = record("cut");
  expect_values_as_decided(cut);
  for (const TrialRecord& t : cut.trials)
    EXPECT_TRUE(t.status == TrialStatus::completed || t.status == TrialStatus::stopped)
        << t.id << " " << status_name(t.status);
}

}  // namespace
}  // namespace hpsweep::testing
