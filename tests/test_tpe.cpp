// The Tree-structured Parzen Estimator (coordinator/tpe/): the estimators against hand-worked
// mixtures with Optuna 3.1's bandwidth rules, the good/bad split, start-up draws, the constant
// liar, and that on simple objectives its suggestions beat random search's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "coordinator/tpe/joint_parzen.h"
#include "coordinator/tpe/parzen_estimator.h"
#include "coordinator/tpe/tpe_sampler.h"

namespace hpsweep::testing {
namespace {

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

TEST(Tpe, ObservationWeightsFadeTheOldestBeyond25) {
  EXPECT_EQ(observation_weights(3), (std::vector<double>{1, 1, 1}));
  const std::vector<double> w = observation_weights(30);
  ASSERT_EQ(w.size(), 30u);
  // numpy's linspace(1/30, 1, 5), then 25 ones.
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(w[i], 1.0 / 30 + (1 - 1.0 / 30) * i / 4) << i;
  for (int i = 5; i < 30; ++i) EXPECT_EQ(w[i], 1.0) << i;
}

TEST(Tpe, GoodCountIsATenthRoundedUpAndAtMost25) {
  const TpeSettings settings;
  EXPECT_EQ(good_count(5, settings), 1);
  EXPECT_EQ(good_count(100, settings), 10);
  EXPECT_EQ(good_count(101, settings), 11);
  EXPECT_EQ(good_count(1000, settings), 25);
}

// Observations 2 and 3 on [0, 10]: with the prior at 5 the sorted centres are 2, 3, 5, with
// neighbour gaps giving bandwidths 1 (the first takes its inner gap), 2 and 2 (the last takes
// its inner gap); the magic clip raises them to 10 / (1 + 3) = 2.5, and the prior's is the
// range, 10. Equal weights.
TEST(Tpe, TheNumericEstimatorFollowsOptunasBandwidthRules) {
  const NumericParzen parzen({0, 10, 0}, {2, 3}, ParzenSettings{});
  EXPECT_EQ(parzen.mus(), (std::vector<double>{2, 3, 5}));
  EXPECT_EQ(parzen.sigmas(), (std::vector<double>{2.5, 2.5, 10}));
  for (double w : parzen.weights()) EXPECT_DOUBLE_EQ(w, 1.0 / 3);
  // Optuna 3.1's score of the mixture of normals truncated to [0, 10], computed here from
  // scratch: each kernel's truncated standard normal density without the 1 / sigma of its scale
  // (parzen_estimator.h).
  for (double x : {0.0, 2.5, 7.0, 10.0}) {
    double density = 0;
    for (int k = 0; k < 3; ++k) {
      const double mu = parzen.mus()[k], s = parzen.sigmas()[k];
      const double mass = normal_cdf((10 - mu) / s) - normal_cdf((0 - mu) / s);
      density += std::exp(-0.5 * std::pow((x - mu) / s, 2)) / std::sqrt(2 * M_PI) / mass / 3;
    }
    // The sum is taken in float (parzen_estimator.cpp): agreement to float precision.
    EXPECT_NEAR(parzen.log_density(x), std::log(density), 1e-6) << x;
  }
  // Without the clip the bandwidths are the gaps.
  const NumericParzen unclipped({0, 10, 0}, {2, 3}, ParzenSettings{1.0, false});
  EXPECT_EQ(unclipped.sigmas(), (std::vector<double>{1, 2, 10}));
}

// Watanabe (2023)'s clip, min_bandwidth 0.03 and exponent 2: the floor is
// 10 max(0.03, 1 / (1 + 3)^2) = 0.625, under every gap; and with 40 observations
// 10 max(0.03, 1 / 42^2) = 0.3, where Optuna's is 10 / 42.
TEST(Tpe, TheMagicClipsFloorHasAMinimumAndAnExponent) {
  const ParzenSettings watanabe{1.0, true, 0.03, 2};
  EXPECT_EQ(NumericParzen({0, 10, 0}, {2, 3}, watanabe).sigmas(), (std::vector<double>{1, 2, 10}));
  EXPECT_DOUBLE_EQ(min_sigma(10, 3, watanabe), 0.625);
  EXPECT_DOUBLE_EQ(min_sigma(10, 41, watanabe), 0.3);
  EXPECT_DOUBLE_EQ(min_sigma(10, 41, ParzenSettings{}), 10.0 / 42);
  EXPECT_DOUBLE_EQ(min_sigma(10, 200, ParzenSettings{}), 0.1);  // Optuna's min(100, ...)
}

// With neighbour bandwidths (Watanabe 2023) the joint estimator's components take each
// dimension's univariate bandwidths: for (2, 1) and (3, 9) in [0, 10]^2, x's are 2.5, 2.5 as
// above, y's centres 1, 9 and the prior's 5 are 4 apart, so 4, 4; the prior's are 10. Its
// log density is the mixture of the product kernels, without the log of each scale (as
// Optuna's, joint_parzen.h).
TEST(Tpe, TheJointEstimatorCanTakeEachDimensionsNeighbourBandwidths) {
  ParzenSettings settings;
  settings.joint_neighbour_bandwidths = true;
  const NumericRange range{0, 10, 0};
  const JointParzen parzen({{range}, {range}}, {{2, 1}, {3, 9}}, settings);
  const double mus[2][3] = {{2, 3, 5}, {1, 9, 5}}, sigmas[2][3] = {{2.5, 2.5, 10}, {4, 4, 10}};
  for (const std::vector<double>& x : {std::vector<double>{0, 0}, {2.5, 7}, {9, 4}}) {
    double density = 0;
    for (int k = 0; k < 3; ++k) {
      double kernel = 1.0 / 3;
      for (int d = 0; d < 2; ++d) {
        const double mu = mus[d][k], s = sigmas[d][k];
        const double mass = normal_cdf((10 - mu) / s) - normal_cdf((0 - mu) / s);
        kernel *= std::exp(-0.5 * std::pow((x[d] - mu) / s, 2)) / std::sqrt(2 * M_PI) / mass;
      }
      density += kernel;
    }
    EXPECT_NEAR(parzen.log_density(x), std::log(density), 1e-6) << x[0] << ", " << x[1];
  }
}

// The expected-improvement weighting: good losses 1 and 2 under the best bad loss 4 improve on
// it by 3 and 2, weights 1.2 and 0.8 (mean 1); they replace the age weights in the mixture, the
// prior keeping its weight 1.
TEST(Tpe, ImprovementWeightsGrowWithTheImprovementOnTheBestBadLoss) {
  const std::vector<double> w = improvement_weights({1, 2}, 4);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w[0], 1.2);
  EXPECT_DOUBLE_EQ(w[1], 0.8);
  EXPECT_EQ(improvement_weights({1, 2}, HUGE_VAL), (std::vector<double>{1, 1}));
  EXPECT_GT(improvement_weights({1, 4}, 4)[1], 0);  // no improvement: tiny, not zero
  const NumericParzen parzen({0, 10, 0}, {2, 3}, ParzenSettings{}, w);
  EXPECT_DOUBLE_EQ(parzen.weights()[0], 1.2 / 3);
  EXPECT_DOUBLE_EQ(parzen.weights()[1], 0.8 / 3);
  EXPECT_DOUBLE_EQ(parzen.weights()[2], 1.0 / 3);
}

// A step range: the values 1..4 own cells [0.5, 4.5); each value's probability is its cell's
// mass, and they sum to 1.
TEST(Tpe, AStepRangeGivesItsValuesAndTheirCellsMasses) {
  const NumericParzen parzen({1, 4, 1}, {2, 2, 3}, ParzenSettings{});
  double total = 0;
  for (double v : {1.0, 2.0, 3.0, 4.0}) total += std::exp(parzen.log_density(v));
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_GT(parzen.log_density(2), parzen.log_density(4));
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    const double v = parzen.sample(rng);
    EXPECT_TRUE(v == 1 || v == 2 || v == 3 || v == 4) << v;
  }
}

// Optuna 3.1's kernels: with observations 0, 0, 2 of 3 choices and prior weight 1 there are 4
// kernels, each spreading 1/4 over every choice with 1 more on its observation (rows summing
// to 1.75), and the uniform prior; all four weigh 1/4.
TEST(Tpe, TheCategoricalEstimatorMixesOptunasKernels) {
  const std::vector<double> p = CategoricalParzen(3, {0, 0, 2}, ParzenSettings{}).probabilities();
  EXPECT_DOUBLE_EQ(p[0], (2 * 1.25 / 1.75 + 0.25 / 1.75 + 1.0 / 3) / 4);
  EXPECT_DOUBLE_EQ(p[1], (3 * 0.25 / 1.75 + 1.0 / 3) / 4);
  EXPECT_DOUBLE_EQ(p[2], (2 * 0.25 / 1.75 + 1.25 / 1.75 + 1.0 / 3) / 4);
  // The reviewer's case: one observation of choice 0 of 2 gives Optuna's 0.625.
  EXPECT_DOUBLE_EQ(CategoricalParzen(2, {0}, ParzenSettings{}).probabilities()[0], 0.625);
}

// Multivariate TPE's estimator on three observations of (a real in [0, 10], an integer in 1..4,
// one of 3 choices). The expected log densities are Optuna 3.1's, from
//   _ParzenEstimator({"x": [2, 3, 7.5], "n": [1, 4, 2], "c": [0, 2, 0]},
//                    {"x": FloatDistribution(0, 10), "n": IntDistribution(1, 4),
//                     "c": CategoricalDistribution(["a", "b", "c"])},
//                    _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, True))
//   .log_pdf({"x": [0, 2.5, 7, 10], "n": [1, 2, 3, 4], "c": [0, 1, 2, 0]})
// Their bandwidths: Scott's 0.2 * 3^(-1/7) of the width, clipped up to width / 5 (x: 2; n: 0.8
// of [0.5, 4.5]); the prior's the width.
TEST(Tpe, TheJointEstimatorIsOptunasMultivariateOne) {
  const JointParzen parzen({{{0, 10, 0}}, {{1, 4, 1}}, {{}, 3}},
                           {{2, 1, 0}, {3, 4, 2}, {7.5, 2, 0}}, ParzenSettings{});
  const std::vector<std::vector<double>> points = {{0, 1, 0}, {2.5, 2, 1}, {7, 3, 2}, {10, 4, 0}};
  const double optuna[] = {-2.9694698953, -3.5794011028, -3.5391335594, -3.9275724089};
  for (size_t i = 0; i < points.size(); ++i)
    EXPECT_NEAR(parzen.log_density(points[i]), optuna[i], 1e-6) << i;  // the sum in float
  // Draws keep an observation's values together: near x = 7.5, n is 2 (that observation's)
  // far more often than 4 (the observation at x = 3's), which a univariate draw makes as likely.
  Rng rng(5);
  int twos = 0, fours = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::vector<double> x = parzen.sample(rng);
    ASSERT_TRUE(x[0] >= 0 && x[0] <= 10 && x[1] >= 1 && x[1] <= 4 && x[1] == std::round(x[1]));
    if (x[0] < 7) continue;
    twos += x[1] == 2;
    fours += x[1] == 4;
  }
  EXPECT_GT(twos, 2 * fours) << twos << " twos, " << fours << " fours";
}

// Before startup_trials observations, draws are uniform over the search space (and a step
// range's values), from the caller's stream.
TEST(Tpe, StartUpDrawsComeFromThePrior) {
  const TpeSettings settings;
  TpeHistory history;
  for (int i = 0; i < 9; ++i) {
    history.values.push_back(0.5);
    history.losses.push_back(i);
  }
  Rng a(7), b(7);
  double low = 1, high = 0;
  for (int i = 0; i < 500; ++i) {
    const double v = suggest_tpe({{0, 1, 0}}, history, settings, a);
    EXPECT_EQ(v, suggest_tpe({{0, 1, 0}}, history, settings, b));
    low = std::min(low, v);
    high = std::max(high, v);
  }
  EXPECT_LT(low, 0.01);
  EXPECT_GT(high, 0.99);
  for (int i = 0; i < 100; ++i) {
    const double v = suggest_tpe({{0, 10, 5}}, history, settings, a);
    EXPECT_TRUE(v == 0 || v == 5 || v == 10) << v;
  }
}

// A running trial's value counts as bad: with the same stream, the suggestion moves.
TEST(Tpe, RunningTrialsSteerTheNextSuggestionAway) {
  TpeHistory history;
  for (int i = 0; i < 20; ++i) {
    history.values.push_back(i / 20.0);
    history.losses.push_back(std::abs(i / 20.0 - 0.3));
  }
  Rng a(11);
  const double first = suggest_tpe({{0, 1, 0}}, history, TpeSettings{}, a);
  history.running.push_back(first);
  Rng b(11);
  EXPECT_NE(suggest_tpe({{0, 1, 0}}, history, TpeSettings{}, b), first);
}

// `rounds` sequential suggestions on `loss`, each told its result before the next: the best
// loss found. `random` draws from the prior throughout.
double best_found(const TpeParameter& parameter, const std::function<double(double)>& loss,
                  int rounds, uint64_t seed, bool random) {
  TpeSettings settings;
  if (random) settings.startup_trials = rounds + 1;
  TpeHistory history;
  Rng rng(seed);
  double best = HUGE_VAL;
  for (int i = 0; i < rounds; ++i) {
    const double x = suggest_tpe(parameter, history, settings, rng);
    history.values.push_back(x);
    history.losses.push_back(loss(x));
    best = std::min(best, history.losses.back());
  }
  return best;
}

double median_best(const TpeParameter& parameter, const std::function<double(double)>& loss,
                   bool random) {
  std::vector<double> bests;
  for (uint64_t seed = 1; seed <= 15; ++seed)
    bests.push_back(best_found(parameter, loss, 40, seed, random));
  std::sort(bests.begin(), bests.end());
  return bests[bests.size() / 2];
}

TEST(Tpe, BeatsRandomSearchOnSimpleObjectives) {
  // A narrow valley on [0, 1]; a log-scale learning rate (search space: ln lr) with its best
  // at 0.03; a categorical choice whose option 3 of 8 is best.
  const auto valley = [](double x) { return std::pow(x - 0.71, 2); };
  const auto lr = [](double log_lr) { return std::pow(log_lr - std::log(0.03), 2); };
  const auto choice = [](double c) { return c == 3 ? 0.0 : 1.0 + c / 10; };
  const TpeParameter unit{{0, 1, 0}}, log_lr{{std::log(1e-5), std::log(1.0), 0}};
  EXPECT_LT(median_best(unit, valley, false), median_best(unit, valley, true) / 2);
  EXPECT_LT(median_best(log_lr, lr, false), median_best(log_lr, lr, true) / 2);
  EXPECT_EQ(median_best({{}, 8}, choice, false), 0.0);
}

}  // namespace
}  // namespace hpsweep::testing
