// d2l's synthetic regression sets: their statistics, determinism, and a sweep over them: the
// polynomial model with the true number of features beats the one with too few.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "analysis/configurations.h"
#include "coordinator/sweep_runner.h"
#include "storage/sweep_file.h"
#include "support/gradient_check.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"
#include "worker/kernels/squared_loss.h"

namespace hpsweep::testing {
namespace {

double residual_sd(const Dataset& set, const std::function<double(const float*)>& signal) {
  const int64_t features = set.inputs.dim(1);
  double squares = 0;
  for (int64_t n = 0; n < set.size(); ++n) {
    const double r = set.targets[n] - signal(set.inputs.data() + n * features);
    squares += r * r;
  }
  return std::sqrt(squares / static_cast<double>(set.size()));
}

TEST(SyntheticSets, PolynomialFollowsTheBooksFormula) {
  const TrainTestData data = make_polynomial_data(20, 7);
  ASSERT_EQ(data.train.inputs.shape(), (Shape{100, 20}));
  ASSERT_EQ(data.test.inputs.shape(), (Shape{100, 20}));
  EXPECT_TRUE(data.train.regression());
  double mean_x = 0, var_x = 0;
  for (int64_t n = 0; n < 100; ++n) {
    const float* row = data.train.inputs.data() + n * 20;
    EXPECT_EQ(row[0], 1.0f);                                  // x^0 / 0!
    EXPECT_NEAR(row[2], row[1] * row[1] / 2, 1e-5);           // x^2 / 2!
    EXPECT_NEAR(row[3], row[1] * row[1] * row[1] / 6, 1e-4);  // x^3 / 3!
    mean_x += row[1] / 100;
    var_x += row[1] * row[1] / 100;
  }
  EXPECT_NEAR(mean_x, 0, 0.3);  // x ~ N(0, 1), 100 draws
  EXPECT_NEAR(var_x, 1, 0.35);
  const auto signal = [](const float* x) {
    return 5 * x[0] + 1.2 * x[1] - 3.4 * x[2] + 5.6 * x[3];
  };
  EXPECT_NEAR(residual_sd(data.train, signal), 0.1, 0.025) << "noise sd 0.1";
  EXPECT_NEAR(residual_sd(data.test, signal), 0.1, 0.025);
  // The first 4 of 20 features are the same as the 4-feature set's.
  const TrainTestData four = make_polynomial_data(4, 7);
  for (int64_t n = 0; n < 100; ++n)
    for (int64_t i = 0; i < 4; ++i)
      ASSERT_EQ(four.train.inputs[n * 4 + i], data.train.inputs[n * 20 + i]);
  EXPECT_NE(make_polynomial_data(4, 8).train.targets[0], four.train.targets[0])
      << "another seed, other data";
}

TEST(SyntheticSets, HighDimensionalLinearRegressionFollowsTheBooksFormula) {
  const TrainTestData data = make_linear_regression_data(200, 7);
  ASSERT_EQ(data.train.inputs.shape(), (Shape{20, 200}));
  ASSERT_EQ(data.test.inputs.shape(), (Shape{100, 200}));
  const auto signal = [](const float* x) {
    double y = 0.05;
    for (int i = 0; i < 200; ++i) y += 0.01 * x[i];
    return y;
  };
  EXPECT_NEAR(residual_sd(data.test, signal), 0.01, 0.003) << "noise sd 0.01";
  const TrainTestData again = make_linear_regression_data(200, 7);
  EXPECT_EQ(again.test.targets[99], data.test.targets[99]) << "the same seed gives the same data";
}

TEST(Gradients, SquaredLoss) {
  Tensor predictions = random_tensor({6, 1}, 3);
  const Tensor targets = random_tensor({6, 1}, 4);
  Tensor analytic({6, 1});
  auto mean_loss = [&] {
    return squared_loss_forward(predictions.data(), targets.data(), 6).loss / 6;
  };
  squared_loss_backward(predictions.data(), targets.data(), 6, 1.0f / 6, analytic.data());
  expect_gradient_matches("squared loss", predictions, analytic, mean_loss);
}

TEST(SyntheticSets, PolynomialSweepUnderfitsWithTooFewFeatures) {
  TempDir dir;
  const SweepSpec spec = parse_spec(
      "method: grid\nmetric: {name: test_loss, goal: minimize}\ndataset: {name: polynomial, seed: "
      "7}\n"
      "model: {type: linear, init: normal, init_sigma: 0.01}\ntraining: {epochs: 400, batch_size: "
      "10, lr: 0.01}\n"
      "checkpoint: {every: 100}\n"
      "parameters:\n  dataset.features: {values: [2, 4]}\n",
      "poly.yaml");
  std::ostringstream log;
  std::atomic<bool> stop{false};
  run_local_sweep(spec, RunOptions{(dir / "out").string(), 2, false}, stop, log);
  const SweepRecord r = read_sweep_file((dir / "out" / "sweep.h5").string());
  const double two = r.trials[0].curves.at("test_loss").back();
  const double four = r.trials[1].curves.at("test_loss").back();
  EXPECT_GT(two, 1.0) << "a line cannot follow a cubic";
  EXPECT_LT(four, two / 10) << "the true degree fits";
  // For regression the error curves hold the mean squared error: twice the loss.
  EXPECT_NEAR(r.trials[1].curves.at("test_error").back(), 2 * four, 1e-9);
}

// The shipped d2l studies (validation selection, 5 seeds each) read as the book reads them.
std::map<std::string, std::string> labels_of_study(const std::string& name) {
  TempDir dir;
  const SweepSpec spec =
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/" + name + ".yaml");
  std::ostringstream log;
  std::atomic<bool> stop{false};
  run_local_sweep(spec, RunOptions{(dir / "out").string(), 2, false}, stop, log);
  const SweepRecord sweep = read_sweep_file((dir / "out" / "sweep.h5").string());
  std::map<std::string, std::string> labels;
  for (const ConfigurationResult& c :
       configuration_results(sweep, DiagnosisRule{}.for_sweep(sweep))) {
    EXPECT_EQ(c.metric.n, 5);
    labels[value_string(c.values.at(0).value)] = c.diagnosis;
  }
  return labels;
}

TEST(SyntheticSets, PolynomialStudyReadsAsTheBook) {
  const auto labels = labels_of_study("study-polynomial");
  EXPECT_EQ(labels.at("2"), "underfitting");
  EXPECT_EQ(labels.at("4"), "good fit");
  EXPECT_EQ(labels.at("20"), "overfitting");
}

TEST(SyntheticSets, WeightDecayStudyReadsAsTheBook) {
  const auto labels = labels_of_study("study-weight-decay");
  for (const char* decay : {"0", "1", "3"}) EXPECT_EQ(labels.at(decay), "overfitting") << decay;
  // Most of the strongest penalty's seeds fit well (a minority may still overfit).
  EXPECT_EQ(labels.at("10").rfind("good fit", 0), 0u) << labels.at("10");
}

}  // namespace
}  // namespace hpsweep::testing
