// The diagnosis rule and the trial table on hand-made curves with known answers.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analyze.h"

namespace hpsweep {
namespace {

TrialRecord trial(int64_t id, std::vector<double> train_error, std::vector<double> test_error) {
  TrialRecord t;
  t.id = id;
  t.status = TrialStatus::completed;
  for (size_t e = 0; e < train_error.size(); ++e)
    t.curves["epoch"].push_back(static_cast<double>(e + 1));
  t.curves["train_error"] = train_error;
  t.curves["test_error"] = test_error;
  t.curves["train_loss"] = train_error;
  t.curves["test_loss"] = test_error;
  t.swept = {{"training.lr", 0.1 * (id + 1)}};
  return t;
}

TEST(Diagnosis, FollowsTheDocumentedRule) {
  const DiagnosisRule rule;
  const MetricSpec metric;
  EXPECT_EQ(summarize_trial(trial(0, {0.5, 0.3}, {0.5, 0.32}), metric, rule).diagnosis,
            "underfitting");
  EXPECT_EQ(summarize_trial(trial(0, {0.2, 0.02}, {0.2, 0.12}), metric, rule).diagnosis,
            "overfitting");  // gap
  // Test error rose 0.03 above its minimum while train error kept falling.
  const TrialSummary rising =
      summarize_trial(trial(0, {0.2, 0.1, 0.08}, {0.15, 0.11, 0.14}), metric, rule);
  EXPECT_EQ(rising.diagnosis, "overfitting");
  EXPECT_EQ(rising.best_test_epoch, 2);
  EXPECT_DOUBLE_EQ(rising.best_test_error, 0.11);
  const TrialSummary good = summarize_trial(trial(0, {0.2, 0.1}, {0.2, 0.12}), metric, rule);
  EXPECT_EQ(good.diagnosis, "good fit");
  EXPECT_NEAR(good.gap, 0.02, 1e-12);
  TrialRecord empty;
  EXPECT_EQ(summarize_trial(empty, metric, rule).diagnosis, "-");
}

TEST(Analysis, TableAndBestTrial) {
  SweepRecord sweep;
  sweep.name = "t";
  sweep.swept_parameters = {"training.lr"};
  sweep.trials = {trial(0, {0.2, 0.1}, {0.2, 0.12}), trial(1, {0.2, 0.1}, {0.2, 0.11})};
  sweep.trials.push_back(TrialRecord{});
  sweep.trials.back().id = 2;
  sweep.trials.back().swept = {{"training.lr", 0.3}};
  std::ostringstream csv;
  print_analysis(sweep, DiagnosisRule{}, TableFormat::csv, csv);
  EXPECT_EQ(csv.str(),
            "trial,status,training.lr,epochs,train_error,test_error,gap,best_test_error,best_epoch,"
            "diagnosis\n"
            "0000,completed,0.1,2,0.1000,0.1200,+0.0200,0.1200,2,good fit\n"
            "0001,completed,0.2,2,0.1000,0.1100,+0.0100,0.1100,2,good fit\n"
            "0002,pending,0.3,0,,,,,,-\n");
  std::ostringstream text;
  print_analysis(sweep, DiagnosisRule{}, TableFormat::text, text);
  EXPECT_NE(text.str().find("best trial: 0001 (test_error 0.1100)  training.lr=0.2"),
            std::string::npos)
      << text.str();
}

}  // namespace
}  // namespace hpsweep
