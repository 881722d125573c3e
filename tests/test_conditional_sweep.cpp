// End-to-end sweeps with conditional parameters and PBT schedules through the real
// coordinator, worker threads and files, on the small synthetic dataset: a trial without a
// conditional parameter has no attribute for it in sweep.h5 and an `absent` row in the
// analysis; a PBT sweep's per-epoch schedule follows its decisions, also when exploits cross
// model types (the exploit takes the source's whole configuration), and a resumed sweep
// rebuilds the same schedule.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analyze.h"
#include "coordinator/sweep_runner.h"
#include "storage/sweep_file.h"
#include "support/stopped_sweep.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

class ConditionalSweepTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 600, 200, 5); }

  SweepSpec spec(const std::string& body) {
    return parse_spec("name: cond\nseed: 5\ndataset: {path: " + (dir_ / "data").string() +
                          "}\nmodel: {init: he}\ntraining: {epochs: 4, batch_size: 50, lr: "
                          "0.1}\ncheckpoint: {every: 3}\n" +
                          body,
                      "cond.yaml");
  }

  SweepSummary run(const SweepSpec& s, const std::string& out, int workers, int stop_ms = 0) {
    return run_local_sweep_stopped_after(s, RunOptions{(dir_ / out).string(), workers, false},
                                         std::chrono::milliseconds(stop_ms));
  }

  SweepRecord record(const std::string& out) {
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  TempDir dir_;
};

constexpr const char* kMlpOrSoftmax =
    "method: grid\nparameters:\n  model.type: {values: [mlp, softmax]}\n"
    "  model.width: {values: [16, 32], when: {model.type: mlp}}\n";

TEST_F(ConditionalSweepTest, AnAbsentParameterHasNoAttributeAndItsOwnAnalysisRow) {
  run(spec(kMlpOrSoftmax), "grid", 2);
  const SweepRecord r = record("grid");
  ASSERT_EQ(r.trials.size(), 3u);
  EXPECT_EQ(r.swept_parameters, (std::vector<std::string>{"model.type", "model.width"}));
  EXPECT_EQ(std::get<int64_t>(*r.trials[0].value_of("model.width")), 16);
  EXPECT_EQ(std::get<int64_t>(*r.trials[1].value_of("model.width")), 32);
  EXPECT_EQ(std::get<std::string>(*r.trials[2].value_of("model.type")), "softmax");
  EXPECT_EQ(r.trials[2].value_of("model.width"), nullptr);
  for (const TrialRecord& t : r.trials) {
    EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
    EXPECT_EQ(t.epochs(), 4);
    EXPECT_TRUE(t.schedule.empty());  // not PBT
  }

  std::ostringstream trials, widths;
  print_analysis(r, DiagnosisRule{}, TableFormat::csv, "trials", trials);
  EXPECT_NE(trials.str().find("\n0002,completed,softmax,,4,"), std::string::npos) << trials.str();
  print_analysis(r, DiagnosisRule{}, TableFormat::csv, "model.width", widths);
  std::istringstream lines(widths.str());
  std::vector<std::string> labels;
  for (std::string line; std::getline(lines, line);)  // the value and its trials
    labels.push_back(line.substr(0, line.find(',', line.find(',') + 1)));
  EXPECT_EQ(labels,
            (std::vector<std::string>{"model.width,configurations", "16,1", "32,1", "absent,1"}));

  // Run again on the folder: the resume check finds the same trials, nothing is redone.
  run(spec(kMlpOrSoftmax), "grid", 2);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(record("grid").trials[i].curves, r.trials[i].curves) << "trial " << i;
}

// Exploits at epochs 1, 2 and 3; the population mixes mlp and softmax trials, so an exploit
// may change a trial's model type (and then its width with it).
constexpr const char* kPbt = R"(method: pbt
parameters:
  model.type: {values: [mlp, softmax]}
  model.width: {values: [16, 32], when: {model.type: mlp}}
  training.lr: {values: [0.01, 0.03, 0.1, 0.3]}
pbt:
  population: 4
  perturbation_interval: 1
  mutations:
    training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.5}
    model.width: {values: [16, 32]}
)";

void expect_schedule_follows_decisions(const SweepRecord& r) {
  for (const TrialRecord& t : r.trials) {
    ASSERT_EQ(t.schedule.size(), 4u) << "trial " << t.id;
    for (const ScheduleRow& row : t.schedule) {
      const DecisionRow* last = nullptr;
      for (const DecisionRow& d : r.decisions)
        if (d.trial == t.id && d.epoch < row.epoch && (d.kind == "start" || d.kind == "exploit"))
          last = &d;
      ASSERT_NE(last, nullptr);
      EXPECT_EQ(row.hyperparameters, last->hyperparameters) << t.id << " " << row.epoch;
      const int64_t source = last->kind == "exploit" && last->epoch == row.epoch - 1
                                 ? last->source_trial
                             : row.epoch == 1 ? -1
                                              : t.id;
      EXPECT_EQ(row.source_trial, source) << t.id << " " << row.epoch;
    }
    EXPECT_EQ(t.schedule[0].epoch, 1);
    EXPECT_EQ(t.schedule[3].epoch, 4);
  }
}

TEST_F(ConditionalSweepTest, PbtScheduleFollowsTheDecisionsAndSurvivesAResume) {
  run(spec(kPbt), "pbt", 2);
  const SweepRecord r = record("pbt");
  int exploits = 0;
  for (const DecisionRow& d : r.decisions) exploits += d.kind == "exploit";
  EXPECT_EQ(exploits, 3) << "one per barrier, at epochs 1 to 3";
  for (const TrialRecord& t : r.trials) EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
  expect_schedule_follows_decisions(r);
  // Every epoch trains a configuration of the search space: softmax (width and depth 0) or
  // mlp with a swept width and its depth 1, whatever the exploits mixed.
  for (const TrialRecord& t : r.trials)
    for (const ScheduleRow& row : t.schedule) {
      const bool mlp = row.hyperparameters.find("model.type: mlp") != std::string::npos;
      EXPECT_EQ(mlp, row.hyperparameters.find("model.width: 0") == std::string::npos)
          << row.hyperparameters;
      EXPECT_NE(row.hyperparameters.find(mlp ? "model.depth: 1" : "model.depth: 0"),
                std::string::npos)
          << row.hyperparameters;
    }

  // Stopped after some epochs, then resumed: the same schedule, the recovered epochs' rows
  // rebuilt from the journal. The sweep takes well under a second: try shorter delays, then
  // (a loaded machine may not have finished an epoch by 80 ms) longer ones.
  std::string stopped;
  for (int delay_ms : {80, 40, 20, 10, 5, 160, 320, 640}) {
    const std::string out = "stopped" + std::to_string(delay_ms);
    if (!run(spec(kPbt), out, 2, delay_ms).interrupted) continue;
    int64_t epochs = 0;
    for (const TrialRecord& t : record(out).trials) epochs += t.epochs();
    if (epochs == 0) continue;
    stopped = out;
    break;
  }
  ASSERT_FALSE(stopped.empty()) << "no delay stopped the sweep after an epoch";
  run(spec(kPbt), stopped, 2);
  const SweepRecord resumed = record(stopped);
  for (size_t i = 0; i < r.trials.size(); ++i) {
    EXPECT_EQ(resumed.trials[i].schedule, r.trials[i].schedule) << "trial " << i;
    EXPECT_EQ(resumed.trials[i].curves.at("test_loss"), r.trials[i].curves.at("test_loss"));
  }
}

}  // namespace
}  // namespace hpsweep::testing
