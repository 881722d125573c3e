// W&B sweep files load with W&B's meaning: the examples of W&B's docs ("Define a sweep
// configuration", docs.wandb.ai), W&B's keys hpsweep ignores, hyperband's W&B keys, nested
// parameters, and the errors for what hpsweep cannot follow, each at file:line:col.
#include <gtest/gtest.h>

#include "common/spec.h"
#include "support/spec_error.h"

namespace hpsweep {
namespace {

std::string error_of(const std::string& yaml) {
  return testing::spec_error_of(yaml, "w.yaml");
}

// W&B's first example, adapted only in its parameter and metric names, which must be hpsweep
// fields and metrics (learning_rate -> training.lr, batch_size -> training.batch_size, epochs ->
// training.epochs, optimizer -> training.optimizer, validation_loss -> val_loss, which needs the
// added dataset block).
constexpr const char* kBayesExample = R"(program: train.py
name: sweepdemo
method: bayes
metric:
  goal: minimize
  name: val_loss
parameters:
  training.lr:
    min: 0.0001
    max: 0.1
  training.batch_size:
    values: [16, 32, 64]
  training.epochs:
    values: [5, 10, 15]
  training.optimizer:
    values: ["adam", "sgd"]
dataset: {validation: 1000}
)";

// W&B runs a bayes sweep until it is stopped; hpsweep needs to know how many trials to suggest.
TEST(SpecWandb, TheFirstExampleLoadsAsBayesWithARunCap) {
  EXPECT_EQ(error_of(kBayesExample),
            "w.yaml:3:9: run_cap: method bayes needs `run_cap` (how many trials to suggest)");
  const SweepSpec spec = parse_spec(std::string(kBayesExample) + "run_cap: 10\n", "w.yaml");
  EXPECT_EQ(spec.method, SearchMethod::bayes);
  EXPECT_EQ(spec.run_cap, 10);
  EXPECT_EQ(spec.name, "sweepdemo");
  EXPECT_EQ(spec.metric.name, "val_loss");
  ASSERT_EQ(spec.parameters.size(), 4u);
  EXPECT_EQ(spec.parameters[0].distribution, Distribution::uniform);  // real min and max
  EXPECT_EQ(spec.parameters[0].min, 0.0001);
  EXPECT_EQ(spec.warnings,
            std::vector<std::string>{"w.yaml: ignored W&B keys hpsweep does not use: program"});
}

// W&B's "Sweep configuration examples" (CLI tab), names adapted: batch_size ->
// training.batch_size, dropout -> model.dropout, epochs -> training.epochs, fc_layer_size ->
// model.width, learning_rate -> training.lr, optimizer -> training.optimizer, loss ->
// train_loss. Its learning_rate starts at 0, which no lr is: see the error below.
constexpr const char* kRandomExample = R"(program: train.py
method: random
run_cap: 500
metric:
  goal: minimize
  name: train_loss
parameters:
  training.batch_size:
    distribution: q_log_uniform_values
    max: 256
    min: 32
    q: 8
  model.dropout:
    values: [0.3, 0.4, 0.5]
  training.epochs:
    value: 1
  model.width:
    values: [128, 256, 512]
  training.lr:
    distribution: uniform
    max: 0.1
    min: 0
  training.optimizer:
    values: ["adam", "sgd"]
)";

TEST(SpecWandb, TheRandomExampleLoadsWithItsDistributions) {
  EXPECT_EQ(error_of(kRandomExample), "w.yaml:22:10: training.lr.min: must be > 0, got 0");
  std::string text = kRandomExample;
  text.replace(text.find("min: 0\n"), 6, "min: 0.001");
  const SweepSpec spec = parse_spec(text, "w.yaml");
  EXPECT_EQ(spec.base.training.epochs, 1);  // `value: 1` fixes it
  ASSERT_EQ(spec.parameters.size(), 5u);
  EXPECT_EQ(spec.parameters[0].distribution, Distribution::q_log_uniform_values);
  EXPECT_EQ(spec.parameters[0].q, 8);
  EXPECT_EQ(spec.parameters[1].distribution, Distribution::values);
  EXPECT_EQ(spec.parameters[3].distribution, Distribution::uniform);
}

// W&B's "Bayes hyperband example", names adapted: dropout -> model.dropout,
// hidden_layer_size -> model.width, layer_1_size -> model.depth, layer_2_size ->
// training.batch_size, learn_rate -> training.lr, decay -> training.weight_decay, momentum ->
// training.momentum, epochs -> training.epochs, val_loss needing a validation part.
constexpr const char* kHyperbandExample = R"(program: train.py
method: bayes
metric:
  goal: minimize
  name: val_loss
parameters:
  model.dropout:
    values: [0.15, 0.2, 0.25, 0.3, 0.4]
  model.width:
    values: [96, 128, 148]
  model.depth:
    values: [10, 12, 14, 16, 18, 20]
  training.batch_size:
    values: [24, 28, 32, 36, 40, 44]
  training.lr:
    values: [0.001, 0.01, 0.003]
  training.weight_decay:
    values: [1e-5, 1e-6, 1e-7]
  training.momentum:
    values: [0.8, 0.9, 0.95]
  training.epochs:
    value: 27
early_terminate:
  type: hyperband
  s: 2
  eta: 3
  max_iter: 27
dataset: {validation: 1000}
)";

TEST(SpecWandb, TheHyperbandExampleMapsItsBrackets) {
  EXPECT_EQ(error_of(kHyperbandExample),
            "w.yaml:2:9: run_cap: method bayes needs `run_cap` (how many trials to suggest)");
  const SweepSpec spec = parse_spec(std::string(kHyperbandExample) + "run_cap: 30\n", "w.yaml");
  EXPECT_EQ(spec.method, SearchMethod::bayes);
  // W&B's brackets are 27/3 = 9 and 27/9 = 3: hpsweep's hyperband from 3 to 27 epochs.
  EXPECT_EQ(spec.early_terminate.kind, EarlyTerminateKind::hyperband);
  EXPECT_EQ(spec.early_terminate.min_iter, 3);
  EXPECT_EQ(spec.early_terminate.max_iter, 27);
  EXPECT_EQ(spec.early_terminate.eta, 3);
  EXPECT_EQ(spec.base.training.epochs, 27);
  // The other form of W&B's docs: brackets from min_iter up.
  const SweepSpec from_min = parse_spec(
      "method: random\nrun_cap: 3\ntraining: {epochs: 81}\nearly_terminate:\n  type: "
      "hyperband\n  min_iter: 3\n",
      "w.yaml");
  EXPECT_EQ(from_min.early_terminate.min_iter, 3);
  EXPECT_EQ(from_min.early_terminate.max_iter, 81);
}

TEST(SpecWandb, HyperbandKeysHpsweepCannotFollow) {
  const std::string head = "method: random\nrun_cap: 3\ntraining: {epochs: 27}\n";
  EXPECT_EQ(error_of(head + "early_terminate: {type: hyperband, s: 2}\n"),
            "w.yaml:4:39: early_terminate.s: goes with max_iter (W&B counts brackets down from "
            "it)");
  EXPECT_EQ(
      error_of(head + "early_terminate: {type: hyperband, s: 2, max_iter: 27, min_iter: 1}\n"),
      "w.yaml:4:66: early_terminate.min_iter: give min_iter or s, not both: s sets "
      "min_iter to max_iter / eta^s");
  EXPECT_EQ(error_of(head + "early_terminate: {type: hyperband, s: 1, max_iter: 2}\n"),
            "w.yaml:4:39: early_terminate.s: no bracket: max_iter / eta is below 1; raise "
            "max_iter or lower eta");
  EXPECT_EQ(error_of(head + "early_terminate: {type: hyperband, eta: 2.5}\n"),
            "w.yaml:4:41: early_terminate.eta: expected an integer, got '2.5'");
  const SweepSpec lenient = parse_spec(
      head + "early_terminate: {type: hyperband, min_iter: 1, strict: false}\n", "w.yaml");
  EXPECT_EQ(lenient.warnings,
            std::vector<std::string>{
                "w.yaml:4:57: early_terminate.strict: false (W&B's lenient stopping) is not built: "
                "hpsweep's hyperband runs the paper's brackets, as W&B's strict mode"});
  EXPECT_TRUE(parse_spec(head + "early_terminate: {type: hyperband, strict: true}\n", "w.yaml")
                  .warnings.empty());
}

TEST(SpecWandb, KeysHpsweepDoesNotUseAreReportedOnce) {
  const SweepSpec spec = parse_spec(R"(program: train.py
project: mnist
entity: lab
method: random
run_cap: 2
metric: {name: test_error, goal: minimize, target: 0.1}
command:
  - ${env}
  - ${program}
  - ${args}
parameters:
  training.lr: {values: [0.1]}
)",
                                    "w.yaml");
  EXPECT_EQ(spec.warnings, std::vector<std::string>{
                               "w.yaml: ignored W&B keys hpsweep does not use: program, project, "
                               "entity, metric.target, command"});
}

TEST(SpecWandb, NestedParametersAreDottedPaths) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 2
parameters:
  training:
    parameters:
      lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
      momentum: {values: [0.0, 0.9]}
  model.depth: {values: [1, 2]}
)",
                                    "w.yaml");
  ASSERT_EQ(spec.parameters.size(), 3u);
  EXPECT_EQ(spec.parameters[0].path, "training.lr");
  EXPECT_EQ(spec.parameters[1].path, "training.momentum");
  const std::string unknown = error_of(
      "method: random\nrun_cap: 2\nparameters:\n  optimizer:\n    parameters:\n      lr: {value: "
      "0.1}\n");
  EXPECT_EQ(unknown.substr(0, unknown.find(" (known")),
            "w.yaml:6:7: optimizer.lr: no such parameter path");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training:\n    parameters: {lr: "
                     "{value: 0.1}}\n    values: [1]\n"),
            "w.yaml:5:5: training: a nested `parameters:` block takes no other keys");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training.lr: {values: [0.1]}\n  "
                     "training: {parameters: {lr: {values: [0.2]}}}\n"),
            "w.yaml:5:27: training.lr: swept twice (nested and dotted)");
}

// An old hpsweep spec's log_uniform with value bounds now means exp(min)..exp(max): loud.
TEST(SpecWandb, LogUniformWithValueBoundsIsAnError) {
  const auto param = [](const std::string& text) {
    return error_of("method: random\nrun_cap: 2\nparameters:\n  " + text + "\n");
  };
  EXPECT_EQ(param("training.lr: {distribution: log_uniform, min: 1.0e-4, max: 1}"),
            "w.yaml:4:31: training.lr.distribution: W&B's log_uniform takes ln-bounds; did you "
            "mean log_uniform_values? min 0.0001 and max 1 give values from 1 to 2.718 (bounds "
            "in (0, 1] look like values)");
  EXPECT_EQ(param("model.dropout: {distribution: log_uniform, min: 0.01, max: 0.5}"),
            "w.yaml:4:33: model.dropout.distribution: W&B's log_uniform takes ln-bounds; did "
            "you mean log_uniform_values? min 0.01 and max 0.5 give values from 1.01 to 1.649 "
            "(not a valid model.dropout: must be < 1, got 1.010050167084168)");
  EXPECT_EQ(param("model.width: {distribution: q_log_uniform, min: 32, max: 512, q: 32}"),
            "w.yaml:4:31: model.width.distribution: W&B's q_log_uniform takes ln-bounds; did "
            "you mean q_log_uniform_values? min 32 and max 512 give values from 7.896e+13 to "
            "2.284e+222 (beyond any hyperparameter)");
  EXPECT_EQ(param("training.weight_decay: {distribution: log_uniform, min: 1, max: 40}"),
            "w.yaml:4:41: training.weight_decay.distribution: W&B's log_uniform takes ln-bounds; "
            "did you mean log_uniform_values? min 1 and max 40 give values from 2.718 to "
            "2.354e+17 (beyond any hyperparameter)");
  // Exponents that give sensible values pass, negative or not.
  EXPECT_EQ(param("training.lr: {distribution: log_uniform, min: -9.21, max: -4.6}"), "no error");
  EXPECT_EQ(param("model.width: {distribution: q_log_uniform, min: 3.4, max: 6.3, q: 8}"),
            "no error");
}

TEST(SpecWandb, DistributionMistakes) {
  const auto param = [](const std::string& text) {
    return error_of("method: random\nrun_cap: 2\nparameters:\n  " + text + "\n");
  };
  EXPECT_EQ(
      param("training.lr: {min: 0, max: 1}"),
      "w.yaml:4:16: training.lr.distribution: int_uniform needs an integer parameter; this "
      "one's kind is number (W&B reads integer `min` and `max` as int_uniform: write 0.0, or say "
      "`distribution: uniform`)");
  EXPECT_EQ(param("training.lr: {values: [0.1, 0.2], probabilities: [0.5, 0.5]}"),
            "w.yaml:4:37: training.lr.probabilities: W&B's weighted categorical is not "
            "supported; without `probabilities` each value is drawn with equal probability");
  EXPECT_EQ(param("training.lr: {distribution: categorical, value: 0.1}"),
            "w.yaml:4:51: training.lr.value: `value` goes with distribution constant, not "
            "categorical");
  EXPECT_EQ(param("training.lr: {mu: 0.1}"),
            "w.yaml:4:16: training.lr: `mu` and `sigma` need a `distribution` (normal, q_normal, "
            "log_normal or q_log_normal)");
  EXPECT_EQ(param("model.width: {distribution: q_normal, mu: 64, sigma: 8}"),
            "w.yaml:4:31: model.width.distribution: q_normal needs a real parameter; this one's "
            "kind is integer");
  EXPECT_EQ(param("training.lr: {distribution: log_uniform_values, min: -1, max: 1}"),
            "w.yaml:4:56: training.lr.min: must be > 0, got -1");
  EXPECT_EQ(param("training.lr: {distribution: q_normal, mu: 0.1, sigma: 0.01, q: 1}"),
            "w.yaml:4:57: training.lr.sigma: too wide: only 0% of the draws would be valid "
            "values; make it smaller");
  EXPECT_EQ(param("model.depth: {}"),
            "w.yaml:4:16: model.depth: needs `values: [...]`, `value: v`, or `min` and `max` "
            "(with a `distribution`)");
  EXPECT_EQ(error_of("method: grid\ntraining: {epochs: 3}\nparameters:\n  training.epochs: {value: "
                     "5}\n"),
            "w.yaml:4:20: training.epochs: also given in the training block; give it once");
}

}  // namespace
}  // namespace hpsweep
