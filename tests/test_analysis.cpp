// The diagnosis rule and the trial table on hand-made curves with known answers.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analyze.h"
#include "common/error.h"

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
  print_analysis(sweep, DiagnosisRule{}, TableFormat::csv, "trials", csv);
  EXPECT_EQ(csv.str(),
            "trial,status,training.lr,epochs,train_error,test_error,gap,best_test_error,best_epoch,"
            "diagnosis\n"
            "0000,completed,0.1,2,0.1000,0.1200,+0.0200,0.1200,2,good fit\n"
            "0001,completed,0.2,2,0.1000,0.1100,+0.0100,0.1100,2,good fit\n"
            "0002,pending,0.3,0,,,,,,-\n");
  std::ostringstream text;
  print_analysis(sweep, DiagnosisRule{}, TableFormat::text, "trials", text);
  EXPECT_NE(text.str().find("best trial: 0001 (test_error 0.1100)  training.lr=0.2"),
            std::string::npos)
      << text.str();
}

TEST(Diagnosis, OverfittingOnsetIsTheTestMinimumWhileTrainingStillImproves) {
  const MetricSpec metric;
  const DiagnosisRule rule;
  // Test error bottoms out at epoch 2 and rises while the train error keeps falling.
  EXPECT_EQ(summarize_trial(trial(0, {0.3, 0.2, 0.1, 0.05}, {0.3, 0.2, 0.22, 0.25}), metric, rule)
                .overfit_onset,
            2);
  // The test error rose, but the train error did not fall after the minimum: no onset.
  EXPECT_FALSE(summarize_trial(trial(0, {0.3, 0.2, 0.2, 0.2}, {0.3, 0.2, 0.22, 0.25}), metric, rule)
                   .overfit_onset);
  // Still improving at the end: no onset.
  EXPECT_FALSE(
      summarize_trial(trial(0, {0.3, 0.2, 0.1}, {0.3, 0.25, 0.2}), metric, rule).overfit_onset);
}

// Regression errors carry the targets' scale: d2l's polynomial study, with its measured final
// MSEs, must read as the book reads it (2 features underfit, 4 fit, 20 overfit), although the
// underfitting line has the largest gap of the three.
SweepRecord polynomial_study() {
  SweepRecord sweep;
  sweep.name = "poly";
  sweep.spec_text =
      "name: poly\nmethod: grid\ndataset: {name: polynomial}\nmodel: {type: linear}\n"
      "parameters:\n  dataset.features: {values: [2, 4, 20]}\n";
  sweep.swept_parameters = {"dataset.features"};
  sweep.trials = {trial(0, {9.0, 4.34}, {15.0, 11.96}), trial(1, {0.5, 0.0104}, {0.6, 0.0160}),
                  trial(2, {0.5, 0.0130}, {0.6, 0.0244})};
  for (int i = 0; i < 3; ++i) sweep.trials[i].swept = {{"dataset.features", 2.0 + 2 * i * i}};
  return sweep;
}

TEST(Diagnosis, RegressionIsJudgedAgainstTheSweepsBestTestError) {
  const SweepRecord sweep = polynomial_study();
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  EXPECT_TRUE(rule.regression);
  EXPECT_DOUBLE_EQ(rule.reference_error, 0.0160);
  const MetricSpec metric;
  EXPECT_EQ(summarize_trial(sweep.trials[0], metric, rule).diagnosis, "underfitting");
  EXPECT_EQ(summarize_trial(sweep.trials[1], metric, rule).diagnosis, "good fit");
  EXPECT_EQ(summarize_trial(sweep.trials[2], metric, rule).diagnosis, "overfitting");
  // The same curves read with the classification rule call the underfitting line overfitting.
  EXPECT_EQ(summarize_trial(sweep.trials[0], metric, DiagnosisRule{}).diagnosis, "overfitting");
  // Scaling every error by 1000 changes no regression diagnosis.
  SweepRecord scaled = sweep;
  for (TrialRecord& t : scaled.trials)
    for (const char* curve : {"train_error", "test_error"})
      for (double& v : t.curves[curve]) v *= 1000;
  const DiagnosisRule scaled_rule = DiagnosisRule{}.for_sweep(scaled);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(summarize_trial(scaled.trials[i], metric, scaled_rule).diagnosis,
              summarize_trial(sweep.trials[i], metric, rule).diagnosis);
}

TEST(Diagnosis, RegressionOnsetUsesTheRelativeMargin) {
  SweepRecord sweep = polynomial_study();
  // Test MSE bottoms out at 0.02 at epoch 2 and ends at 0.03 (50% above) while training falls.
  sweep.trials[1] = trial(1, {0.5, 0.03, 0.01}, {0.6, 0.02, 0.03});
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  const TrialSummary s = summarize_trial(sweep.trials[1], MetricSpec{}, rule);
  EXPECT_EQ(s.overfit_onset, 2);
  EXPECT_EQ(s.diagnosis, "overfitting");
  EXPECT_NE(rule.description().find("lowest final test error 0.0244"), std::string::npos)
      << rule.description();
}

SweepRecord three_trials() {
  SweepRecord sweep;
  sweep.name = "t";
  sweep.swept_parameters = {"training.lr"};
  sweep.trials = {trial(0, {0.3, 0.2, 0.1, 0.05}, {0.3, 0.2, 0.22, 0.25}),  // lr 0.1, overfits
                  trial(1, {0.2, 0.1}, {0.2, 0.11}),                        // lr 0.2, good fit
                  trial(2, {0.5, 0.4}, {0.5, 0.42})};                       // lr 0.3, underfits
  sweep.trials[2].swept = {{"training.lr", 0.1}};                           // two trials at 0.1
  return sweep;
}

TEST(Analysis, RankingOrdersByTheMetricWithDiagnosisAndOnset) {
  std::ostringstream csv;
  print_analysis(three_trials(), DiagnosisRule{}, TableFormat::csv, "ranking", csv);
  EXPECT_EQ(csv.str(),
            "rank,trial,training.lr,best_test_error,best_epoch,diagnosis,overfit_onset\n"
            "1,0001,0.2,0.1100,2,good fit,\n"
            "2,0000,0.1,0.2000,2,overfitting,2\n"
            "3,0002,0.1,0.4200,2,underfitting,\n");
}

TEST(Analysis, ParameterTableSummarizesEachValue) {
  std::ostringstream csv;
  print_analysis(three_trials(), DiagnosisRule{}, TableFormat::csv, "training.lr", csv);
  // lr 0.1: final test errors 0.25 and 0.42, gaps 0.20 and 0.02; one overfits, one underfits.
  EXPECT_EQ(csv.str(),
            "training.lr,trials,best_final_test_error,mean_final_test_error,mean_gap,underfitting,"
            "overfitting\n"
            "0.1,2,0.2500,0.3350,0.1100,1,1\n"
            "0.2,1,0.1100,0.1100,0.0100,0,0\n");
}

TEST(Analysis, JsonHoldsEveryTableWithNumbersAsNumbers) {
  std::ostringstream json;
  print_analysis(three_trials(), DiagnosisRule{}, TableFormat::json, "", json);
  const std::string text = json.str();
  EXPECT_EQ(text.front(), '{');
  for (const char* part :
       {"\"trials\": [", "\"ranking\": [", "\"training.lr\": [",
        "{\"rank\": 1, \"trial\": \"0001\", \"training.lr\": 0.2, \"best_test_error\": 0.1100",
        "\"overfit_onset\": null}", "\"gap\": 0.0100"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
}

TEST(Analysis, UnknownCsvTableIsBadInput) {
  std::ostringstream out;
  try {
    print_analysis(three_trials(), DiagnosisRule{}, TableFormat::csv, "nope", out);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "--table: no table 'nope' in this sweep (tables: trials, ranking, training.lr)");
  }
}

}  // namespace
}  // namespace hpsweep
