// Conditional parameters (`when:`): parsing, each invalid form with its exact message, grid
// expansion without duplicates, random draws that respect the conditions, and PBT's explore
// step, which leaves a parameter alone where its condition fails.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/error.h"
#include "common/rng.h"
#include "common/spec.h"
#include "coordinator/schedulers/pbt_explore.h"
#include "coordinator/search_space.h"
#include "support/spec_error.h"

namespace hpsweep {
namespace {

std::string error_of(const std::string& yaml) {
  return testing::spec_error_of(yaml, "c.yaml");
}

const ConfigValue* value_of(const Trial& trial, const std::string& path) {
  for (const SweptValue& v : trial.swept)
    if (v.path == path) return &v.value;
  return nullptr;
}

constexpr const char* kMlpOrLenet = R"(method: grid
parameters:
  model.width: {values: [128, 256], when: {model.type: mlp}}
  model.type: {values: [mlp, lenet]}
  training.lr: {values: [0.1, 0.2]}
)";

TEST(Conditions, ParsesAValueOrAListOfValues) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 3
parameters:
  model.type: {values: [mlp, lenet, resnet]}
  model.depth: {distribution: int_uniform, min: 1, max: 3}
  model.width: {values: [128, 256], when: {model.type: [mlp, lenet], model.depth: 2}}
)",
                                    "c.yaml");
  const std::vector<Condition>& when = spec.parameters[2].when;
  ASSERT_EQ(when.size(), 2u);
  EXPECT_EQ(when[0].path, "model.type");
  EXPECT_EQ(when[0].values, (std::vector<ConfigValue>{"mlp", "lenet"}));
  EXPECT_EQ(when[1].path, "model.depth");
  EXPECT_EQ(when[1].values, (std::vector<ConfigValue>{int64_t{2}}));
  EXPECT_TRUE(spec.parameters[0].when.empty());
}

TEST(Conditions, InvalidConditionsNameFileLineColumnAndKey) {
  const std::string head = "method: grid\nparameters:\n  model.type: {values: [mlp, lenet]}\n";
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: {model.depth: 2}}\n"),
            "c.yaml:4:38: model.width.when.model.depth: not a swept parameter (swept: "
            "model.type, model.width)");
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: {model.type: conv}}\n"),
            "c.yaml:4:50: model.width.when.model.type: model.type never takes conv (its values: "
            "mlp, lenet)");
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: {model.type: [mlp, vgg]}}\n"),
            "c.yaml:4:56: model.width.when.model.type: model.type never takes vgg (its values: "
            "mlp, lenet)");
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: {model.type: []}}\n"),
            "c.yaml:4:50: model.width.when.model.type: expected a value or a non-empty list "
            "[v1, v2, ...]");
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: {}}\n"),
            "c.yaml:4:37: model.width.when: expected at least one `parameter: value` (or drop "
            "`when`)");
  EXPECT_EQ(error_of(head + "  model.width: {values: [64], when: mlp}\n"),
            "c.yaml:4:37: model.width.when: expected a mapping of keys to values");
  EXPECT_EQ(
      error_of(head + "  model.width: {values: [64], if: {model.type: mlp}}\n"),
      "c.yaml:4:31: model.width.if: unknown key (known: values, value, distribution, min, max, q, "
      "mu, sigma, when)");
  EXPECT_EQ(error_of("method: grid\nparameters:\n  model.depth: {values: [1, 2]}\n"
                     "  model.width: {values: [64], when: {model.depth: two}}\n"),
            "c.yaml:4:51: model.width.when.model.depth: expected an integer, got 'two'");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n"
                     "  model.depth: {distribution: int_uniform, min: 1, max: 3}\n"
                     "  model.width: {values: [64], when: {model.depth: 4}}\n"),
            "c.yaml:5:51: model.width.when.model.depth: model.depth never takes 4 (its range: "
            "1 to 3)");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n"
                     "  training.lr: {distribution: uniform, min: 0.1, max: 0.2}\n"
                     "  model.width: {values: [64], when: {training.lr: 0.1}}\n"),
            "c.yaml:5:51: model.width.when.training.lr: a condition needs a parameter with "
            "`values` or int_uniform; training.lr has a uniform distribution");
}

TEST(Conditions, CyclesAreErrors) {
  EXPECT_EQ(error_of("method: grid\nparameters:\n"
                     "  model.type: {values: [mlp, lenet], when: {model.width: 64}}\n"
                     "  model.width: {values: [64, 128], when: {model.type: mlp}}\n"),
            "c.yaml:3:44: model.type.when: the conditions form a cycle: model.type -> "
            "model.width -> model.type");
  EXPECT_EQ(error_of("method: grid\nparameters:\n"
                     "  model.width: {values: [64, 128], when: {model.width: 64}}\n"),
            "c.yaml:3:42: model.width.when: the conditions form a cycle: model.width -> "
            "model.width");
}

TEST(Conditions, MutationsTakeTheConditionsOfTheirParameter) {
  EXPECT_EQ(error_of(R"(method: pbt
training: {epochs: 4}
parameters:
  model.type: {values: [mlp, lenet]}
pbt:
  population: 2
  perturbation_interval: 1
  mutations:
    model.width: {values: [64, 128], when: {model.type: mlp}}
)"),
            "c.yaml:9:38: model.width.when: conditions go under `parameters`; a mutation "
            "follows those of the swept parameter of its path");
  const SweepSpec spec = parse_spec(R"(method: pbt
training: {epochs: 4}
parameters:
  model.type: {values: [mlp, lenet]}
  model.width: {values: [64, 128], when: {model.type: mlp}}
pbt:
  population: 2
  perturbation_interval: 1
  mutations:
    model.width: {values: [64, 128]}
)",
                                    "c.yaml");
  ASSERT_EQ(spec.pbt.mutations[0].when.size(), 1u);
  EXPECT_EQ(spec.pbt.mutations[0].when[0].path, "model.type");
}

// mlp x 2 widths x 2 lrs + lenet x 2 lrs: 6 distinct trials, not 8 with lenet twice.
TEST(Conditions, GridSkipsAParameterWhoseConditionFails) {
  const std::vector<Trial> trials = expand_trials(parse_spec(kMlpOrLenet, "c.yaml"));
  ASSERT_EQ(trials.size(), 6u);
  std::set<std::string> configs;
  for (const Trial& t : trials) configs.insert(config_text(t.config));
  EXPECT_EQ(configs.size(), 6u);
  // The parent (model.type) is chosen first, so it varies slowest, as if it came first.
  EXPECT_EQ(trials[0].config.model.type, "mlp");
  EXPECT_EQ(trials[0].config.model.width, 128);
  EXPECT_EQ(trials[2].config.model.width, 256);
  for (int i = 4; i < 6; ++i) {
    EXPECT_EQ(trials[i].config.model.type, "lenet");
    EXPECT_EQ(trials[i].config.model.width, 6);  // lenet's own width: the field's default
    EXPECT_EQ(value_of(trials[i], "model.width"), nullptr);
    ASSERT_EQ(trials[i].swept.size(), 2u);  // file order, the absent one left out
    EXPECT_EQ(trials[i].swept[0].path, "model.type");
  }
  EXPECT_EQ(trials[0].swept[0].path, "model.width");
}

TEST(Conditions, GridCountsWithChainsAndLists) {
  const std::vector<Trial> trials = expand_trials(parse_spec(R"(method: grid
parameters:
  model.type: {values: [mlp, lenet, softmax]}
  model.depth: {values: [1, 2, 3], when: {model.type: [mlp, lenet]}}
  model.width: {values: [64, 128], when: {model.type: mlp, model.depth: [2, 3]}}
  model.dropout: {values: [0.0, 0.5], when: {model.width: 128}}
)",
                                                             "c.yaml"));
  // mlp: depth 1 (1) + depth 2,3 x (width 64 (1) + width 128 x 2 dropouts) = 1 + 2 x 3 = 7;
  // lenet: 3 depths; softmax: 1.
  EXPECT_EQ(trials.size(), 11u);
}

// The example spec: 2 widths x 2 learning rates for mlp, one lenet trial at the fixed lr.
TEST(Conditions, TheExampleSpecExpandsAsItsCommentSays) {
  const std::vector<Trial> trials = expand_trials(
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/fmnist-mlp-vs-lenet.yaml"));
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(trials[4].config.model.type, "lenet");
  EXPECT_EQ(trials[4].config.training.lr, 0.9);
  EXPECT_EQ(trials[4].swept.size(), 1u);
}

TEST(Conditions, RandomDrawsRespectConditions) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 400
seed: 9
parameters:
  model.width: {distribution: q_uniform, min: 32, max: 512, q: 32, when: {model.type: mlp}}
  model.type: {values: [mlp, lenet]}
  model.dropout: {distribution: uniform, min: 0.0, max: 0.5}
)",
                                    "c.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  std::map<std::string, int> types;
  for (const Trial& t : trials) {
    ++types[t.config.model.type];
    const bool mlp = t.config.model.type == "mlp";
    EXPECT_EQ(value_of(t, "model.width") != nullptr, mlp);
    if (!mlp) {
      EXPECT_EQ(t.config.model.width, 6);
    }
    EXPECT_NE(value_of(t, "model.dropout"), nullptr);
  }
  EXPECT_GT(types["mlp"], 150);
  EXPECT_GT(types["lenet"], 150);
  // The same spec draws the same trials.
  const std::vector<Trial> again = expand_trials(spec);
  for (size_t i = 0; i < trials.size(); ++i)
    EXPECT_EQ(config_text(trials[i].config), config_text(again[i].config));
}

TEST(Conditions, ExploreLeavesAParameterWhoseConditionFails) {
  const SweepSpec spec = parse_spec(R"(method: pbt
training: {epochs: 4}
parameters:
  model.type: {values: [mlp, lenet]}
  model.width: {values: [64, 128], when: {model.type: mlp}}
pbt:
  population: 2
  perturbation_interval: 1
  resample_probability: 1
  mutations:
    model.width: {values: [64, 128]}
    training.lr: {distribution: uniform, min: 0.1, max: 0.2}
)",
                                    "c.yaml");
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    const std::vector<SweptValue> lenet =
        explore({{"model.type", "lenet"}, {"model.width", int64_t{6}}}, spec.pbt, rng);
    EXPECT_EQ(std::get<int64_t>(lenet[1].value), 6);
    EXPECT_EQ(lenet.size(), 3u);  // training.lr explored
  }
  std::set<int64_t> widths;
  for (int i = 0; i < 20; ++i)
    widths.insert(std::get<int64_t>(
        explore({{"model.type", "mlp"}, {"model.width", int64_t{64}}}, spec.pbt, rng)[1].value));
  EXPECT_EQ(widths, (std::set<int64_t>{64, 128}));
}

}  // namespace
}  // namespace hpsweep
