// The diagnosis rule and the trial table on hand-made curves with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "analysis/analyze.h"
#include "analysis/statistics.h"
#include "common/error.h"
#include "common/spec.h"

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

TEST(Diagnosis, FollowsTheDefinitionsOnSmoothedCurves) {
  // The sweep's lowest smoothed training error is 0.02 (the overfitting trial's).
  DiagnosisRule rule;
  rule.lowest_train_error = 0.02;
  const MetricSpec metric;
  // Training error stays high: 0.30 is more than 0.05 above the sweep's best.
  EXPECT_EQ(summarize_trial(trial(0, {0.5, 0.3, 0.3, 0.3}, {0.5, 0.32, 0.32, 0.32}), metric, rule)
                .diagnosis,
            "underfitting");
  // Training error far below the test error.
  EXPECT_EQ(
      summarize_trial(trial(0, {0.2, 0.02, 0.02, 0.02}, {0.2, 0.12, 0.12, 0.12}), metric, rule)
          .diagnosis,
      "overfitting");
  // Low training error, small gap, but the test error jumps back and forth (LeNet-BN's 0.19 ->
  // 0.37 -> 0.2).
  EXPECT_EQ(summarize_trial(trial(0, {0.2, 0.05, 0.05, 0.05, 0.05}, {0.2, 0.07, 0.37, 0.08, 0.07}),
                            metric, rule)
                .diagnosis,
            "unstable");
  // Steady and close: a good fit, even though the test error is noisy at the 0.005 level.
  const TrialSummary good = summarize_trial(
      trial(0, {0.3, 0.06, 0.05, 0.05, 0.05}, {0.3, 0.08, 0.085, 0.08, 0.075}), metric, rule);
  EXPECT_EQ(good.diagnosis, "good fit");
  EXPECT_NEAR(good.gap, 0.08 - 0.05, 1e-12);  // medians of the last 3 epochs
  TrialRecord empty;
  EXPECT_EQ(summarize_trial(empty, metric, rule).diagnosis, "-");
}

TEST(Diagnosis, OneNoisyLastEpochDoesNotDecideTheLabel) {
  DiagnosisRule rule;
  rule.lowest_train_error = 0.05;
  // The last epoch's gap is 0.07, but over the last 3 epochs (median) it is 0.01.
  const TrialRecord t = trial(0, {0.3, 0.05, 0.05, 0.05}, {0.3, 0.06, 0.06, 0.12});
  EXPECT_NE(summarize_trial(t, MetricSpec{}, rule).diagnosis, "overfitting");
  rule.smooth = 1;
  EXPECT_EQ(summarize_trial(t, MetricSpec{}, rule).diagnosis, "overfitting");
}

TEST(Diagnosis, CleanTrainingErrorAndValidationCurvesAreUsedWhenPresent) {
  // Dropout makes the in-epoch training error (0.3) exceed the test error (0.2): a negative
  // gap. Evaluated without dropout, the training error is 0.1.
  TrialRecord t = trial(0, {0.4, 0.3, 0.3, 0.3}, {0.3, 0.2, 0.2, 0.2});
  t.curves["train_eval_error"] = {0.3, 0.1, 0.1, 0.1};
  t.curves["val_error"] = {0.3, 0.25, 0.18, 0.22};
  DiagnosisRule rule;
  rule.lowest_train_error = 0.1;
  const TrialSummary s = summarize_trial(t, MetricSpec{"val_error", true}, rule);
  EXPECT_TRUE(s.clean_train);
  EXPECT_TRUE(s.validation);
  EXPECT_NEAR(s.gap, 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(s.final_train_error, 0.1);
  // val_error is lowest at epoch 3; the test error there is what gets reported.
  EXPECT_EQ(s.selected_epoch, 3);
  EXPECT_DOUBLE_EQ(*s.best_metric, 0.18);
  EXPECT_DOUBLE_EQ(s.selected_test_error, 0.2);
  // A trial without the curves (NaN-filled, as sweep.h5 stores them) falls back.
  TrialRecord plain = trial(1, {0.4, 0.3}, {0.3, 0.2});
  plain.curves["train_eval_error"] = {kNoValue, kNoValue};
  EXPECT_FALSE(summarize_trial(plain, MetricSpec{}, rule).clean_train);
}

TEST(Analysis, TableAndBestTrial) {
  SweepRecord sweep;
  sweep.name = "t";
  sweep.spec_text = "name: t\nmethod: grid\n";
  sweep.swept_parameters = {"training.lr"};
  sweep.trials = {trial(0, {0.2, 0.1}, {0.2, 0.12}), trial(1, {0.2, 0.1}, {0.2, 0.11})};
  sweep.trials.push_back(TrialRecord{});
  sweep.trials.back().id = 2;
  sweep.trials.back().swept = {{"training.lr", 0.3}};
  std::ostringstream csv;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::csv, "trials", csv);
  EXPECT_EQ(csv.str(),
            "trial,status,training.lr,epochs,train_error,test_error,gap,selected_epoch,"
            "selected_test_error,diagnosis\n"
            "0000,completed,0.1,2,0.1000,0.1200,+0.0100,2,0.1200,good fit\n"
            "0001,completed,0.2,2,0.1000,0.1100,+0.0050,2,0.1100,good fit\n"
            "0002,pending,0.3,0,,,,,,-\n");
  std::ostringstream text;
  print_analysis(sweep, DiagnosisRule{}, TableFormat::text, "", text);
  EXPECT_NE(text.str().find("best trial: 0001 (test_error 0.1100 at epoch 2; test error there "
                            "0.1100)  training.lr=0.2"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("note: metric test_error selects epochs and trials on the test set"),
            std::string::npos);
}

// A language-model trial: its per-token errors are the same in every trial (training 0.5,
// test 0.52, which the error rule calls a good fit), so only its perplexities can tell it apart.
TrialRecord lm_trial(int64_t id, double lr, std::vector<double> train_perplexity,
                     std::vector<double> test_perplexity) {
  const size_t epochs = train_perplexity.size();
  TrialRecord t = trial(id, std::vector<double>(epochs, 0.5), std::vector<double>(epochs, 0.52));
  t.curves["train_perplexity"] = std::move(train_perplexity);
  t.curves["test_perplexity"] = std::move(test_perplexity);
  t.swept = {{"training.lr", lr}};
  return t;
}

// The sweep's lowest smoothed test perplexity is 6.6 (trial 0): underfitting above 8.25, an
// unstable jump above 1.65; overfitting is a perplexity ratio above 1.5.
SweepRecord language_model_sweep(double scale) {
  SweepRecord sweep;
  sweep.name = "lm";
  sweep.spec_text = "name: lm\nmethod: grid\n";
  sweep.metric = MetricSpec{"test_perplexity", true};
  sweep.swept_parameters = {"training.lr"};
  const auto scaled = [&](std::vector<double> values) {
    for (double& v : values) v *= scale;
    return values;
  };
  sweep.trials = {
      lm_trial(0, 0.1, scaled({8, 6, 6, 6}), scaled({8.5, 6.6, 6.6, 6.6})),  // ratio 1.1
      lm_trial(1, 0.2, scaled({8, 4, 3, 3}), scaled({8.5, 7, 9, 9})),        // ratio 3
      lm_trial(2, 0.3, scaled({14, 12, 12, 12}), scaled({15, 12.5, 12.5, 12.5})),
      lm_trial(3, 0.4, scaled({8, 6.2, 6.2, 6.2, 6.2}), scaled({8.5, 6.8, 9, 6.8, 6.8}))};
  return sweep;
}

TEST(Analysis, LanguageModelsAreDiagnosedByTheirPerplexities) {
  const SweepRecord sweep = language_model_sweep(1);
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  EXPECT_TRUE(rule.language_model);
  EXPECT_DOUBLE_EQ(rule.reference_error, 6.6);
  std::ostringstream trials, ranking, effect;
  print_analysis(sweep, rule, TableFormat::csv, "trials", trials);
  EXPECT_EQ(trials.str(),
            "trial,status,training.lr,epochs,train_error,test_error,train_perplexity,"
            "test_perplexity,perplexity_ratio,selected_epoch,selected_test_error,diagnosis\n"
            "0000,completed,0.1,4,0.5000,0.5200,6.0000,6.6000,1.1000,2,0.5200,good fit\n"
            "0001,completed,0.2,4,0.5000,0.5200,3.0000,9.0000,3.0000,2,0.5200,overfitting\n"
            "0002,completed,0.3,4,0.5000,0.5200,12.0000,12.5000,1.0417,2,0.5200,underfitting\n"
            "0003,completed,0.4,5,0.5000,0.5200,6.2000,6.8000,1.0968,2,0.5200,unstable\n");
  // Trial 1's test perplexity is lowest at epoch 2 and ends 2 above it while its training
  // perplexity still falls: the onset. Trial 3's jump comes back: no onset.
  print_analysis(sweep, rule, TableFormat::csv, "ranking", ranking);
  EXPECT_EQ(ranking.str(),
            "rank,trial,training.lr,best_test_perplexity,selected_epoch,selected_test_error,"
            "perplexity_ratio,diagnosis,overfit_onset\n"
            "1,0000,0.1,6.6000,2,0.5200,1.1000,good fit,\n"
            "2,0003,0.4,6.8000,2,0.5200,1.0968,unstable,\n"
            "3,0001,0.2,7.0000,2,0.5200,3.0000,overfitting,2\n"
            "4,0002,0.3,12.5000,2,0.5200,1.0417,underfitting,\n");
  print_analysis(sweep, rule, TableFormat::csv, "training.lr", effect);
  EXPECT_EQ(effect.str().substr(0, effect.str().find('\n')),
            "training.lr,configurations,trials,selected_test_error_mean,selected_test_error_ci95,"
            "best_test_perplexity,perplexity_ratio_mean,underfitting,overfitting,unstable");
  EXPECT_EQ(rule.description(),
            "on the medians of the last 3 epochs; language models are judged on perplexities, "
            "against the lowest test perplexity of the sweep's configurations, 6.6, with margin "
            "0.25: underfitting = training perplexity above 8.25; else overfitting = perplexity "
            "ratio (test / training perplexity) above 1.5; else unstable = in the last 5 epochs "
            "the test perplexity jumped up by more than 1.65 and came back; else good fit");
  std::ostringstream text;
  print_analysis(sweep, rule, TableFormat::text, "", text);
  EXPECT_NE(text.str().find(". perplexity_ratio: test over training perplexity, medians of the "
                            "last 3 epochs."),
            std::string::npos)
      << text.str();
}

// A model that blew up (clipping off, lr too high) has perplexities past 10^26: the ranking
// writes them as the trials table does, not as 27 digits.
TEST(Analysis, ABlownUpLanguageModelReadsInTheRanking) {
  SweepRecord sweep = language_model_sweep(1);
  sweep.trials.push_back(
      lm_trial(4, 3, {1e26, 1e26, 1e26, 1e26}, {9e26, 8.83e26, 8.83e26, 8.83e26}));
  std::ostringstream ranking;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::csv, "ranking", ranking);
  EXPECT_NE(ranking.str().find("\n5,0004,3,8.83e+26,2,0.5200,8.8300,underfitting,\n"),
            std::string::npos)
      << ranking.str();
}

// Perplexities carry the vocabulary's scale: multiplying all of them by 10 (as a vocabulary
// ten times larger might) changes no label, and a lower --overfit-ratio catches trial 0.
TEST(Analysis, LanguageModelDiagnosesAreRelative) {
  const SweepRecord sweep = language_model_sweep(1), scaled = language_model_sweep(10);
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  const DiagnosisRule scaled_rule = DiagnosisRule{}.for_sweep(scaled);
  for (size_t i = 0; i < sweep.trials.size(); ++i) {
    const TrialSummary a = summarize_trial(sweep.trials[i], sweep.metric, rule);
    const TrialSummary b = summarize_trial(scaled.trials[i], scaled.metric, scaled_rule);
    EXPECT_EQ(a.diagnosis, b.diagnosis) << i;
    EXPECT_NEAR(a.gap, b.gap, 1e-12) << i;
    EXPECT_EQ(a.overfit_onset, b.overfit_onset) << i;
  }
  DiagnosisRule strict = rule;
  strict.overfit_ratio = 1.05;
  EXPECT_EQ(summarize_trial(sweep.trials[0], sweep.metric, strict).diagnosis, "overfitting");
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
  // The last three epochs repeat the final value, so the smoothed errors are the final ones.
  sweep.trials = {trial(0, {9.0, 4.34, 4.34, 4.34}, {15.0, 11.96, 11.96, 11.96}),
                  trial(1, {0.5, 0.0104, 0.0104, 0.0104}, {0.6, 0.0160, 0.0160, 0.0160}),
                  trial(2, {0.5, 0.0130, 0.0130, 0.0130}, {0.6, 0.0244, 0.0244, 0.0244})};
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

// A sweep.h5 written before `log_uniform` took W&B's meaning (ln bounds) holds a spec the
// loader now refuses; its analysis must not depend on that.
TEST(Diagnosis, ASweepWrittenByAnEarlierVersionStaysAnalysable) {
  SweepRecord sweep = polynomial_study();
  sweep.spec_text =
      "name: poly\nmethod: random\nrun_cap: 3\ndataset: {name: polynomial}\n"
      "model: {type: linear}\nparameters:\n"
      "  training.lr: {distribution: log_uniform, min: 0.0001, max: 0.1}\n";
  EXPECT_THROW(parse_spec(sweep.spec_text, "sweep.h5:/spec"), UserError);
  EXPECT_TRUE(DiagnosisRule{}.for_sweep(sweep).regression);
}

TEST(Diagnosis, RegressionOnsetUsesTheRelativeMargin) {
  SweepRecord sweep = polynomial_study();
  // Test MSE bottoms out at 0.02 at epoch 2 and ends at 0.03 (50% above) while training falls.
  sweep.trials[1] = trial(1, {0.5, 0.03, 0.01}, {0.6, 0.02, 0.03});
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  const TrialSummary s = summarize_trial(sweep.trials[1], MetricSpec{}, rule);
  EXPECT_EQ(s.overfit_onset, 2);
  // A U, not a jump: not unstable. At the end training and test error are close: no label
  // but good fit follows from d2l's definitions.
  EXPECT_EQ(s.diagnosis, "good fit");
  EXPECT_NE(rule.description().find("configurations, 0.0244"), std::string::npos)
      << rule.description();
}

SweepRecord three_trials() {
  SweepRecord sweep;
  sweep.name = "t";
  sweep.spec_text = "name: t\nmethod: grid\n";
  sweep.swept_parameters = {"training.lr"};
  sweep.trials = {trial(0, {0.3, 0.2, 0.1, 0.05}, {0.3, 0.2, 0.22, 0.25}),  // lr 0.1, overfits
                  trial(1, {0.2, 0.1}, {0.2, 0.11}),                        // lr 0.2, good fit
                  trial(2, {0.5, 0.4}, {0.5, 0.42})};                       // lr 0.3, underfits
  sweep.trials[2].swept = {{"training.lr", 0.3}};
  return sweep;
}

TEST(Analysis, RankingOrdersByTheMetricWithDiagnosisAndOnset) {
  const SweepRecord sweep = three_trials();
  std::ostringstream csv;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::csv, "ranking", csv);
  EXPECT_EQ(csv.str(),
            "rank,trial,training.lr,best_test_error,selected_epoch,selected_test_error,gap,"
            "diagnosis,overfit_onset\n"
            "1,0001,0.2,0.1100,2,0.1100,+0.0050,good fit,\n"
            "2,0000,0.1,0.2000,2,0.2000,+0.1200,overfitting,2\n"
            "3,0002,0.3,0.4200,2,0.4200,+0.0100,underfitting,\n");
}

// Two configurations (lr 0.1 and 0.2), three seeds each, as `repeats: 3` makes them.
SweepRecord repeated_trials() {
  SweepRecord sweep;
  sweep.name = "r";
  sweep.spec_text = "name: r\nmethod: grid\nrepeats: 3\n";
  sweep.swept_parameters = {"training.lr"};
  const double finals[2][3] = {{0.20, 0.22, 0.24}, {0.10, 0.12, 0.17}};
  for (int c = 0; c < 2; ++c)
    for (int r = 0; r < 3; ++r) {
      TrialRecord t =
          trial(3 * c + r, {0.3, 0.1, 0.1, 0.1}, {0.4, finals[c][r], finals[c][r], finals[c][r]});
      t.swept = {{"training.lr", 0.1 * (c + 1)}};
      t.configuration = c;
      t.repeat = r;
      sweep.trials.push_back(t);
    }
  return sweep;
}

TEST(Analysis, RepeatsAreRankedByTheirMeanWithAConfidenceInterval) {
  const SweepRecord sweep = repeated_trials();
  std::ostringstream csv;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::csv, "ranking", csv);
  // lr 0.2: mean 0.13, sd 0.0361, 95% CI 4.3027 * 0.0361 / sqrt(3) = 0.0896.
  EXPECT_EQ(csv.str(),
            "rank,configuration,training.lr,n,best_test_error_mean,best_test_error_sd,"
            "best_test_error_ci95,selected_test_error_mean,selected_test_error_ci95,gap_mean,"
            "gap_ci95,diagnosis\n"
            "1,c001,0.2,3,0.1300,0.0361,0.0896,0.1300,0.0896,+0.0300,0.0896,"
            "\"good fit 2, overfitting 1\"\n"
            "2,c000,0.1,3,0.2200,0.0200,0.0497,0.2200,0.0497,+0.1200,0.0497,overfitting\n");
  std::ostringstream text;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::text, "", text);
  EXPECT_NE(text.str().find("best configuration: c001 (test_error 0.1300 ± 0.0896, n=3; test "
                            "error at the selected epochs 0.1300 ± 0.0896)  training.lr=0.2"),
            std::string::npos)
      << text.str();
}

TEST(Statistics, StudentsTIntervalMatchesTables) {
  EXPECT_DOUBLE_EQ(t_quantile_975(1), 12.7062);
  EXPECT_DOUBLE_EQ(t_quantile_975(4), 2.7764);
  EXPECT_NEAR(t_quantile_975(40), 2.0211, 1e-4);
  EXPECT_NEAR(t_quantile_975(120), 1.9799, 1e-4);
  const Spread s = spread({1.0, 2.0, 3.0, 4.0, kNoValue});
  EXPECT_EQ(s.n, 4);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.sd, 1.2909944, 1e-7);
  EXPECT_NEAR(s.ci95, 3.1824 * 1.2909944 / 2, 1e-6);
  EXPECT_TRUE(std::isnan(spread({1.0}).ci95));
  EXPECT_EQ(spread({}).n, 0);
}

TEST(Analysis, ParameterTableSummarizesEachValue) {
  const SweepRecord sweep = repeated_trials();
  std::ostringstream csv;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::csv, "training.lr", csv);
  EXPECT_EQ(csv.str(),
            "training.lr,configurations,trials,selected_test_error_mean,selected_test_error_ci95,"
            "best_test_error,gap_mean,underfitting,overfitting,unstable\n"
            "0.1,1,3,0.2200,0.0497,0.2200,+0.1200,0,3,0\n"
            "0.2,1,3,0.1300,0.0896,0.1300,+0.0300,0,1,0\n");
}

TEST(Analysis, JsonHoldsEveryTableWithNumbersAsNumbers) {
  const SweepRecord sweep = three_trials();
  std::ostringstream json;
  print_analysis(sweep, DiagnosisRule{}.for_sweep(sweep), TableFormat::json, "", json);
  const std::string text = json.str();
  EXPECT_EQ(text.front(), '{');
  for (const char* part :
       {"\"trials\": [", "\"ranking\": [", "\"training.lr\": [",
        "{\"rank\": 1, \"trial\": \"0001\", \"training.lr\": 0.2, \"best_test_error\": 0.1100",
        "\"overfit_onset\": null}", "\"gap\": 0.0050"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
}

TEST(Analysis, OneTableInEveryFormat) {
  const SweepRecord sweep = three_trials();
  const DiagnosisRule rule = DiagnosisRule{}.for_sweep(sweep);
  std::ostringstream text, json;
  print_analysis(sweep, rule, TableFormat::text, "training.lr", text);
  EXPECT_EQ(text.str().rfind("Effect of training.lr:\ntraining.lr  configurations", 0), 0u)
      << text.str();
  EXPECT_EQ(text.str().find("Trials"), std::string::npos);
  print_analysis(sweep, rule, TableFormat::json, "ranking", json);
  EXPECT_EQ(json.str().find("\"trials\""), std::string::npos);
  EXPECT_NE(json.str().find("\"ranking\": ["), std::string::npos);
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
