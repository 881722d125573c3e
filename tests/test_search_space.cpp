// Search-space expansion: grid order and size, random draws within bounds, trial seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "common/spec.h"
#include "coordinator/search_space.h"

namespace hpsweep {
namespace {

TEST(SearchSpace, GridIsTheCartesianProductFirstParameterSlowest) {
  const SweepSpec spec = parse_spec(R"(method: grid
seed: 4
training: {lr: 0.3}
parameters:
  model.depth: {values: [1, 2]}
  model.dropout: {values: [0.0, 0.2, 0.5]}
)",
                                    "g.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 6u);
  EXPECT_EQ(trials[0].config.model.depth, 1);
  EXPECT_EQ(trials[0].config.model.dropout, 0.0);
  EXPECT_EQ(trials[2].config.model.dropout, 0.5);
  EXPECT_EQ(trials[3].config.model.depth, 2);
  EXPECT_EQ(trials[3].config.model.dropout, 0.0);
  EXPECT_EQ(trials[5].config.training.lr, 0.3);  // fixed blocks carry over
  std::set<uint64_t> seeds;
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].id, static_cast<int64_t>(i));
    EXPECT_EQ(trials[i].seed, trial_seed(4, i));
    seeds.insert(trials[i].seed);
    ASSERT_EQ(trials[i].swept.size(), 2u);
    EXPECT_EQ(trials[i].swept[0].path, "model.depth");
  }
  EXPECT_EQ(seeds.size(), 6u);
}

TEST(SearchSpace, GridWithoutParametersIsOneTrialAndRunCapTruncates) {
  EXPECT_EQ(expand_trials(parse_spec("method: grid\n", "a.yaml")).size(), 1u);
  EXPECT_EQ(
      expand_trials(
          parse_spec("method: grid\nrun_cap: 2\nparameters:\n  model.depth: {values: [1, 2, 3]}\n",
                     "a.yaml"))
          .size(),
      2u);
}

// W&B's quantized and normal distributions: multiples of q within [min, max] (integers for
// an integer field), and normal draws redrawn until valid for the field.
TEST(SearchSpace, QuantizedAndNormalDraws) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 2000
seed: 4
parameters:
  model.width: {distribution: q_log_uniform_values, min: 32, max: 512, q: 32}
  model.dropout: {distribution: q_uniform, min: 0.05, max: 0.5, q: 0.1}
  training.lr: {distribution: normal, mu: 0.05, sigma: 0.05}
)",
                                    "q.yaml");
  std::set<int64_t> widths;
  std::set<double> dropouts;
  double sum = 0;
  for (const Trial& t : expand_trials(spec)) {
    widths.insert(t.config.model.width);
    dropouts.insert(std::round(t.config.model.dropout * 10) / 10);
    EXPECT_NEAR(t.config.model.dropout * 10, std::round(t.config.model.dropout * 10), 1e-9);
    EXPECT_GT(t.config.training.lr, 0);  // truncated at the field's bound
    sum += t.config.training.lr;
    ASSERT_TRUE(std::holds_alternative<int64_t>(t.swept[0].value));
  }
  EXPECT_EQ(widths.size(), 16u);  // 32, 64, ..., 512
  EXPECT_EQ(*widths.begin(), 32);
  EXPECT_EQ(*widths.rbegin(), 512);
  // 0.05 rounds up to 0.1, the lowest multiple of 0.1 in [0.05, 0.5].
  EXPECT_EQ(dropouts, (std::set<double>{0.1, 0.2, 0.3, 0.4, 0.5}));
  // N(0.05, 0.05) truncated to > 0 has mean 0.05 + 0.05 * phi(1) / Phi(1) = 0.0644.
  EXPECT_NEAR(sum / 2000, 0.0644, 0.003);
}

TEST(SearchSpace, RandomDrawsStayInBoundsAndAreReproducible) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 400
seed: 9
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}
  model.dropout: {distribution: uniform, min: 0.1, max: 0.5}
  model.depth: {distribution: int_uniform, min: 1, max: 3}
  model.activation: {values: [relu, tanh]}
)",
                                    "r.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 400u);
  std::set<int64_t> depths;
  int low_lr = 0;
  for (const Trial& t : trials) {
    EXPECT_GE(t.config.training.lr, 0.001);
    EXPECT_LE(t.config.training.lr, 1.0);
    low_lr +=
        t.config.training.lr < 0.0316;  // log-uniform: half the draws below the geometric mean
    EXPECT_GE(t.config.model.dropout, 0.1);
    EXPECT_LE(t.config.model.dropout, 0.5);
    depths.insert(t.config.model.depth);
  }
  EXPECT_EQ(depths, (std::set<int64_t>{1, 2, 3}));
  EXPECT_NEAR(low_lr / 400.0, 0.5, 0.08);
  const std::vector<Trial> again = expand_trials(spec);
  for (size_t i = 0; i < trials.size(); ++i)
    EXPECT_EQ(trials[i].config.training.lr, again[i].config.training.lr);
}

TEST(SearchSpace, RepeatsAndFoldsMultiplyEachConfigurationConfigurationMajor) {
  const SweepSpec spec = parse_spec(R"(method: grid
seed: 4
repeats: 2
dataset: {kfold: 3}
parameters:
  training.lr: {values: [0.1, 0.2]}
)",
                                    "r.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 12u);  // 2 configurations x 3 folds x 2 repeats
  std::set<uint64_t> seeds;
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].id, static_cast<int64_t>(i));
    EXPECT_EQ(trials[i].configuration, static_cast<int64_t>(i / 6));
    EXPECT_EQ(trials[i].config.dataset.fold, static_cast<int64_t>(i / 2 % 3));
    EXPECT_EQ(trials[i].repeat, static_cast<int64_t>(i % 2));
    EXPECT_EQ(trials[i].config.training.lr, i < 6 ? 0.1 : 0.2);
    EXPECT_EQ(trials[i].seed, trial_seed(4, i));
    seeds.insert(trials[i].seed);
  }
  EXPECT_EQ(seeds.size(), 12u);
}

TEST(SearchSpace, ASweptTrainingSeedGivesEveryConfigurationTheSameSeeds) {
  const SweepSpec spec = parse_spec(R"(method: grid
seed: 4
parameters:
  training.lr: {values: [0.1, 0.2]}
  training.seed: {values: [0, 1, 2]}
)",
                                    "s.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(trials[i].seed, trials[i + 3].seed);  // paired: same seed, other lr
    EXPECT_EQ(trials[i].configuration, 0);
    EXPECT_EQ(trials[i + 3].configuration, 1);
    EXPECT_NE(trials[i].seed, trial_seed(4, i));
  }
  EXPECT_NE(trials[0].seed, trials[1].seed);
  EXPECT_EQ(configuration_key(trials[0].swept), "training.lr: 0.1");
}

TEST(SearchSpace, RunCapCountsConfigurations) {
  const SweepSpec spec = parse_spec(
      "method: random\nrun_cap: 3\nrepeats: 2\nparameters:\n  training.lr: {distribution: uniform, "
      "min: 0.01, max: 0.1}\n",
      "c.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 6u);
  EXPECT_EQ(trials[0].config.training.lr, trials[1].config.training.lr);
  EXPECT_NE(trials[0].config.training.lr, trials[2].config.training.lr);
}

}  // namespace
}  // namespace hpsweep
