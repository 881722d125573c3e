// method bayes's suggestions (coordinator/tpe/tpe_search.h): each distribution's coordinates
// and back, start-up draws, BOHB's choice of the epoch to model, failed trials as the worst,
// conditional parameters, the width and depth that go with a suggested model type, that the
// suggestions are a function of the seed and the calls, and that on a simple objective they
// find better values than random draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/model_types.h"
#include "common/spec.h"
#include "coordinator/tpe/search_coordinates.h"
#include "coordinator/tpe/tpe_search.h"

namespace hpsweep::testing {
namespace {

SweepSpec bayes_spec(const std::string& parameters, const std::string& extra = "",
                     int run_cap = 60) {
  return parse_spec("method: bayes\nseed: 7\nrun_cap: " + std::to_string(run_cap) +
                        "\nparameters:\n" + parameters + extra,
                    "b.yaml");
}

const ConfigValue* value_of(const Suggestion& s, const std::string& path) {
  for (const SweptValue& v : s.values)
    if (v.path == path) return &v.value;
  return nullptr;
}

double number(const Suggestion& s, const std::string& path) {
  return *value_number(*value_of(s, path));
}

TEST(SearchCoordinates, EachDistributionMapsToItsScaleAndBack) {
  const SweepSpec spec = bayes_spec(
      "  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n"
      "  model.dropout: {distribution: q_uniform, min: 0, max: 0.9, q: 0.05}\n"
      "  model.width: {distribution: int_uniform, min: 16, max: 64}\n"
      "  training.batch_size: {values: [32, 64, 128]}\n"
      "  training.weight_decay: {distribution: inv_log_uniform_values, min: 1e-5, max: 1e-2}\n"
      "  training.momentum: {distribution: normal, mu: 0.9, sigma: 0.05}\n");
  const std::vector<ParameterSpec>& p = spec.parameters;
  const TpeParameter lr = search_range(p[0]);
  EXPECT_DOUBLE_EQ(lr.range.low, std::log(0.001));
  EXPECT_DOUBLE_EQ(lr.range.high, 0);
  EXPECT_EQ(*value_at(p[0], std::log(0.02)), ConfigValue(0.02));
  EXPECT_DOUBLE_EQ(coordinate_of(p[0], 0.02), std::log(0.02));
  EXPECT_EQ(*value_at(p[1], 0.337), ConfigValue(0.35));  // quantized as a draw is
  EXPECT_EQ(search_range(p[2]).range.step, 1);
  EXPECT_EQ(*value_at(p[2], 23), ConfigValue(int64_t{23}));
  EXPECT_EQ(search_range(p[3]).choices, 3);
  EXPECT_EQ(*value_at(p[3], 2), ConfigValue(int64_t{128}));
  EXPECT_EQ(coordinate_of(p[3], int64_t{64}), 1);
  const TpeParameter decay = search_range(p[4]);  // log(1/x) uniform: -log x is the coordinate
  EXPECT_DOUBLE_EQ(decay.range.low, -std::log(1e-2));
  EXPECT_DOUBLE_EQ(decay.range.high, -std::log(1e-5));
  EXPECT_EQ(*value_at(p[4], -std::log(1e-3)), ConfigValue(1e-3));
  const TpeParameter momentum = search_range(p[5]);
  EXPECT_DOUBLE_EQ(momentum.range.low, 0.9 - 3 * 0.05);
  EXPECT_DOUBLE_EQ(momentum.range.high, 0.9 + 3 * 0.05);
  EXPECT_FALSE(value_at(p[5], 1.04)) << "momentum must be below 1";
}

TEST(TpeSearch, StartsWithDrawsThenModelsTheLastEpochEnoughTrialsReached) {
  const SweepSpec spec =
      bayes_spec("  training.lr: {min: 0.001, max: 0.1}\n", "bayes: {startup_trials: 3}\n");
  TpeSearch search(spec);
  for (int64_t t = 0; t < 3; ++t) {
    const Suggestion s = search.suggest(t, {});
    EXPECT_EQ(s.reason, "random start-up draw: fewer than 3 results at any epoch");
    const double lr = number(s, "training.lr");
    EXPECT_TRUE(lr >= 0.001 && lr <= 0.1) << lr;
  }
  // Three trials reach epoch 1, two of them epoch 2 (as a rung stops the third).
  for (int64_t t = 0; t < 3; ++t) search.heard(t, 1, 0.5 + 0.1 * static_cast<double>(t));
  search.heard(0, 2, 0.4);
  search.heard(1, 2, 0.45);
  EXPECT_EQ(search.suggest(3, {}).reason, "TPE from 3 results at epoch 1 and 0 running trials");
  search.heard(3, 1, 0.3);
  search.heard(3, 2, 0.2);
  EXPECT_EQ(search.suggest(4, {3}).reason, "TPE from 3 results at epoch 2 and 1 running trials");
  // A trial that diverged counts as the worst at every epoch.
  search.ended(4);
  search.heard(3, 3, 0.1);
  EXPECT_EQ(search.suggest(5, {}).reason, "TPE from 4 results at epoch 2 and 0 running trials");
}

TEST(TpeSearch, SuggestsAConditionalParameterOnlyWhereItsConditionsHold) {
  const SweepSpec spec = bayes_spec(
      "  training.optimizer: {values: [sgd, adam]}\n"
      "  training.momentum: {min: 0.5, max: 0.99, when: {training.optimizer: sgd}}\n",
      "bayes: {startup_trials: 4}\n");
  TpeSearch search(spec);
  int with = 0;
  for (int64_t t = 0; t < 30; ++t) {
    const Suggestion s = search.suggest(t, {});
    const bool sgd = std::get<std::string>(*value_of(s, "training.optimizer")) == "sgd";
    EXPECT_EQ(value_of(s, "training.momentum") != nullptr, sgd) << "trial " << t;
    with += sgd;
    // SGD with high momentum is best here.
    search.heard(t, 1, sgd ? 1 - number(s, "training.momentum") : 0.6);
  }
  EXPECT_GT(with, 20) << "TPE learned that sgd is better";
}

// bayes.multivariate: the unconditional parameters are suggested together, from the trials'
// points; the conditional one still only where its condition holds. On a narrow diagonal
// valley, (x - y)^2 with x, y the rates' log10, it finds the valley as univariate TPE does
// not: the best of 40 trials is better in most of 9 seeds.
TEST(TpeSearch, MultivariateSuggestsTheUnconditionalParametersTogether) {
  const std::string parameters =
      "  training.lr: {distribution: log_uniform_values, min: 1e-4, max: 1}\n"
      "  training.weight_decay: {distribution: log_uniform_values, min: 1e-4, max: 1}\n"
      "  training.optimizer: {values: [sgd, adam]}\n"
      "  training.momentum: {min: 0.5, max: 0.99, when: {training.optimizer: sgd}}\n";
  const auto valley = [](const Suggestion& s) {
    return std::pow(std::log10(number(s, "training.lr")) -
                        std::log10(number(s, "training.weight_decay")),
                    2) +
           std::abs(std::log10(number(s, "training.lr")) + 2) / 10;
  };
  int better = 0;
  for (int seed = 0; seed < 9; ++seed) {
    double best[2] = {HUGE_VAL, HUGE_VAL};
    for (int multivariate = 0; multivariate < 2; ++multivariate) {
      SweepSpec spec = bayes_spec(parameters);
      spec.seed = static_cast<uint64_t>(seed);
      spec.bayes.multivariate = multivariate == 1;
      TpeSearch search(spec);
      for (int64_t t = 0; t < 40; ++t) {
        const Suggestion s = search.suggest(t, {});
        const bool sgd = std::get<std::string>(*value_of(s, "training.optimizer")) == "sgd";
        ASSERT_EQ(value_of(s, "training.momentum") != nullptr, sgd) << "trial " << t;
        search.heard(t, 1, valley(s));
        best[multivariate] = std::min(best[multivariate], valley(s));
      }
    }
    better += best[1] < best[0];
  }
  EXPECT_GE(better, 6) << "multivariate better in " << better << " of 9 seeds";
}

// Four configurations, one clearly best: the model's favourite would come back, but a
// configuration already tried is asked for again, so four trials try all four.
TEST(TpeSearch, DoesNotRepeatAConfigurationWhileOthersAreLeft) {
  const SweepSpec spec = bayes_spec(
      "  training.optimizer: {values: [sgd, adam]}\n  model.dropout: {values: [0.0, 0.5]}\n",
      "bayes: {startup_trials: 1}\n");
  TpeSearch search(spec);
  std::set<std::string> tried;
  for (int64_t t = 0; t < 4; ++t) {
    const Suggestion s = search.suggest(t, {});
    EXPECT_TRUE(tried.insert(hyperparameters_text(s.values)).second)
        << "trial " << t << " repeats " << hyperparameters_text(s.values);
    search.heard(t, 1, std::get<std::string>(*value_of(s, "training.optimizer")) == "sgd" ? 0 : 1);
  }
  // All tried: a fifth trial repeats one.
  EXPECT_EQ(tried.count(hyperparameters_text(search.suggest(4, {}).values)), 1u);
}

TEST(TpeSearch, ASuggestedModelTypeBringsItsWidthAndDepth) {
  const SweepSpec spec = bayes_spec("  model.type: {values: [mlp, lenet]}\n");
  TpeSearch search(spec);
  for (int64_t t = 0; t < 6; ++t) {
    const Suggestion s = search.suggest(t, {});
    ASSERT_EQ(s.values.size(), 3u);
    const std::string type = std::get<std::string>(*value_of(s, "model.type"));
    const ModelConfig defaults = with_model_defaults(ModelConfig{.type = type});
    EXPECT_EQ(*value_of(s, "model.width"), ConfigValue(defaults.width)) << type;
    EXPECT_EQ(*value_of(s, "model.depth"), ConfigValue(defaults.depth)) << type;
  }
}

// (log10 lr + 2)^2: best at lr 0.01.
double objective(const Suggestion& s) {
  return std::pow(std::log10(number(s, "training.lr")) + 2, 2);
}

double best_of(const SweepSpec& spec, int trials) {
  TpeSearch search(spec);
  double best = HUGE_VAL;
  for (int64_t t = 0; t < trials; ++t) {
    const double value = objective(search.suggest(t, {}));
    search.heard(t, 1, value);
    best = std::min(best, value);
  }
  return best;
}

TEST(TpeSearch, IsAFunctionOfTheSeedAndCallsAndBeatsRandomDraws) {
  const std::string lr = "  training.lr: {distribution: log_uniform_values, min: 1e-5, max: 1}\n";
  TpeSearch a(bayes_spec(lr)), b(bayes_spec(lr));
  for (int64_t t = 0; t < 15; ++t) {
    const Suggestion x = a.suggest(t, {}), y = b.suggest(t, {});
    EXPECT_EQ(hyperparameters_text(x.values), hyperparameters_text(y.values));
    a.heard(t, 1, objective(x));
    b.heard(t, 1, objective(y));
  }
  // Random draws: the start-up phase never ends. Medians over seeds.
  std::vector<double> tpe, random;
  for (int seed = 0; seed < 9; ++seed) {
    SweepSpec s = bayes_spec(lr);
    s.seed = static_cast<uint64_t>(seed);
    tpe.push_back(best_of(s, 40));
    s.bayes.startup_trials = 1000;
    random.push_back(best_of(s, 40));
  }
  std::nth_element(tpe.begin(), tpe.begin() + 4, tpe.end());
  std::nth_element(random.begin(), random.begin() + 4, random.end());
  EXPECT_LT(tpe[4] * 3, random[4]) << "median best: TPE " << tpe[4] << ", random " << random[4];
}

// The default model (the hpsweep preset: multivariate kernels with neighbour bandwidths,
// improvement weights, gamma 0.15) against Optuna 3.1's (`preset: optuna`) on Branin, its
// x1 and x2 the rates' log10 mapped onto [-5, 10] and [0, 15]: the best of 60 trials is
// better in most of 15 seeds (11 when written; on bench/tpe_vs_optuna.py's held-out seeds:
// docs/schedulers.md).
TEST(TpeSearch, TheDefaultModelBeatsOptunasOnBranin) {
  const std::string parameters =
      "  training.lr: {distribution: log_uniform_values, min: 1e-4, max: 1}\n"
      "  training.weight_decay: {distribution: log_uniform_values, min: 1e-4, max: 1}\n";
  const auto branin = [](const Suggestion& s) {
    const double x1 = 15 * (std::log10(number(s, "training.lr")) + 4) / 4 - 5;
    const double x2 = 15 * (std::log10(number(s, "training.weight_decay")) + 4) / 4;
    const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
  };
  int better = 0;
  for (int seed = 0; seed < 15; ++seed) {
    double best[2] = {HUGE_VAL, HUGE_VAL};
    for (int optuna = 0; optuna < 2; ++optuna) {
      SweepSpec spec = bayes_spec(parameters, optuna ? "bayes: {preset: optuna}\n" : "");
      spec.seed = static_cast<uint64_t>(seed);
      TpeSearch search(spec);
      for (int64_t t = 0; t < 60; ++t) {
        const Suggestion s = search.suggest(t, {});
        search.heard(t, 1, branin(s));
        best[optuna] = std::min(best[optuna], branin(s));
      }
    }
    better += best[0] < best[1];
  }
  EXPECT_GE(better, 10) << "the default better in " << better << " of 15 seeds";
}

}  // namespace
}  // namespace hpsweep::testing
