// Spec parsing: the issue's example, and each kind of invalid input with its exact message
// (file:line:column: key: what).
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/spec.h"
#include "support/spec_error.h"

namespace hpsweep {
namespace {

constexpr const char* kExample = R"(name: quickstart
seed: 1
method: grid
metric: {name: test_error, goal: minimize}
dataset: {name: fashion-mnist, train_subset: 10000}
model: {type: mlp, width: 256, depth: 1, dropout: 0.0}
training: {epochs: 5, batch_size: 256, lr: 0.1, weight_decay: 0.0}
parameters:
  training.lr: {values: [0.05, 0.2]}
  model.dropout: {values: [0.0, 0.5]}
  training.weight_decay: {values: [0.0, 0.001]}
  model.depth: {values: [1, 2]}
)";

std::string error_of(const std::string& yaml) {
  return testing::spec_error_of(yaml);
}

TEST(Spec, ParsesTheIssueExample) {
  const SweepSpec spec = parse_spec(kExample, "quickstart.yaml");
  EXPECT_EQ(spec.name, "quickstart");
  EXPECT_EQ(spec.seed, 1u);
  EXPECT_EQ(spec.method, SearchMethod::grid);
  EXPECT_EQ(spec.metric.name, "test_error");
  EXPECT_TRUE(spec.metric.minimize);
  EXPECT_EQ(spec.base.dataset.train_subset, 10000);
  EXPECT_EQ(spec.base.model.width, 256);
  EXPECT_EQ(spec.base.training.epochs, 5);
  EXPECT_DOUBLE_EQ(spec.base.training.lr, 0.1);
  ASSERT_EQ(spec.parameters.size(), 4u);
  EXPECT_EQ(spec.parameters[0].path, "training.lr");
  EXPECT_EQ(spec.parameters[0].values, (std::vector<ConfigValue>{0.05, 0.2}));
  EXPECT_EQ(spec.parameters[3].values, (std::vector<ConfigValue>{int64_t{1}, int64_t{2}}));
  EXPECT_EQ(spec.yaml_text, kExample);
}

TEST(Spec, ParsesOptimizerKeys) {
  const SweepSpec defaults = parse_spec("method: grid\n", "s.yaml");
  EXPECT_EQ(defaults.base.training.optimizer, "sgd");
  EXPECT_EQ(defaults.base.training.momentum, 0.0);
  const SweepSpec spec = parse_spec(
      "method: grid\ntraining: {optimizer: adam, beta1: 0.8, beta2: 0.99, eps: 1.0e-6}\n"
      "parameters:\n  training.momentum: {values: [0, 0.9]}\n",
      "s.yaml");
  EXPECT_EQ(spec.base.training.optimizer, "adam");
  EXPECT_EQ(spec.base.training.beta1, 0.8);
  EXPECT_EQ(spec.base.training.beta2, 0.99);
  EXPECT_EQ(spec.base.training.eps, 1e-6);
  EXPECT_EQ(spec.parameters[0].path, "training.momentum");
}

TEST(Spec, ParsesDistributions) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 5
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}
  model.dropout: {distribution: uniform, min: 0, max: 0.5}
  model.depth: {distribution: int_uniform, min: 1, max: 3}
  model.activation: {distribution: categorical, values: [relu, tanh]}
)",
                                    "r.yaml");
  EXPECT_EQ(spec.name, "r");  // from the file name
  EXPECT_EQ(spec.run_cap, 5);
  EXPECT_EQ(spec.parameters[0].distribution, Distribution::log_uniform_values);
  EXPECT_DOUBLE_EQ(spec.parameters[0].min, 0.001);
  EXPECT_DOUBLE_EQ(spec.parameters[0].max, 1.0);
  EXPECT_EQ(spec.parameters[2].distribution, Distribution::int_uniform);
  EXPECT_EQ(spec.parameters[3].values,
            (std::vector<ConfigValue>{std::string("relu"), std::string("tanh")}));
}

TEST(Spec, ParsesQuantizedAndNormalDistributions) {
  const SweepSpec spec = parse_spec(R"(method: random
run_cap: 5
parameters:
  model.width: {distribution: q_log_uniform_values, min: 32, max: 512, q: 32}
  model.dropout: {distribution: q_uniform, min: 0, max: 0.5}
  training.lr: {distribution: normal, mu: 0.1, sigma: 0.02}
)",
                                    "r.yaml");
  EXPECT_EQ(spec.parameters[0].distribution, Distribution::q_log_uniform_values);
  EXPECT_EQ(spec.parameters[0].q, 32);
  EXPECT_EQ(spec.parameters[1].distribution, Distribution::q_uniform);
  EXPECT_EQ(spec.parameters[1].q, 1);  // W&B's default
  EXPECT_EQ(spec.parameters[2].distribution, Distribution::normal);
  EXPECT_DOUBLE_EQ(spec.parameters[2].mu, 0.1);
  EXPECT_DOUBLE_EQ(spec.parameters[2].sigma, 0.02);
}

TEST(SpecErrors, QuantizedAndNormalDistributions) {
  auto param = [](const std::string& text) {
    return error_of("method: random\nrun_cap: 2\nparameters:\n  " + text + "\n");
  };
  EXPECT_EQ(param("training.lr: {distribution: normal, sigma: 0.1}"),
            "s.yaml:4:16: training.lr.mu: must be > 0, got 0 (mu defaults to 0)");
  EXPECT_EQ(param("training.lr: {distribution: normal, mu: -1, sigma: 1}"),
            "s.yaml:4:43: training.lr.mu: must be > 0, got -1");
  EXPECT_EQ(param("training.lr: {distribution: normal, mu: 0.1, sigma: 0}"),
            "s.yaml:4:55: training.lr.sigma: must be > 0, got 0");
  EXPECT_EQ(param("model.dropout: {distribution: normal, mu: 0.5, sigma: 1000}"),
            "s.yaml:4:57: model.dropout.sigma: too wide: only 0.04% of the draws would be valid "
            "values; make it smaller");
  EXPECT_EQ(param("training.lr: {distribution: normal, mu: 0.1, sigma: 1, min: 0}"),
            "s.yaml:4:63: training.lr.min: `min` and `max` go with a bounded distribution "
            "(uniform, log_uniform, ...), not normal");
  EXPECT_EQ(
      param("model.depth: {distribution: normal, mu: 2, sigma: 1}"),
      "s.yaml:4:31: model.depth.distribution: normal needs a real parameter; this one's kind is "
      "integer");
  EXPECT_EQ(param("training.lr: {distribution: uniform, min: 0.1, max: 1, q: 0.1}"),
            "s.yaml:4:61: training.lr.q: `q` goes with a quantized distribution (q_uniform, "
            "q_log_uniform, q_log_uniform_values, q_normal or q_log_normal), not uniform");
  EXPECT_EQ(param("training.lr: {distribution: uniform, min: 0.1, max: 1, mu: 0.1}"),
            "s.yaml:4:62: training.lr.mu: `mu` and `sigma` go with distribution normal, "
            "q_normal, log_normal or q_log_normal, not uniform");
  EXPECT_EQ(param("model.width: {distribution: q_uniform, min: 32, max: 64, q: 0.5}"),
            "s.yaml:4:63: model.width.q: expected an integer, got '0.5'");
  EXPECT_EQ(param("training.lr: {distribution: q_uniform, min: 0.1, max: 0.2, q: 0.5}"),
            "s.yaml:4:65: training.lr.q: no multiple of 0.5 lies in [0.1, 0.2]");
  EXPECT_EQ(param("training.lr: {distribution: q_log_uniform_values, min: 0, max: 1, q: 0.1}"),
            "s.yaml:4:58: training.lr.min: must be > 0, got 0");
  EXPECT_EQ(param("model.activation: {distribution: q_uniform, min: 0, max: 1}"),
            "s.yaml:4:36: model.activation.distribution: q_uniform needs a numeric parameter; "
            "this one's kind is text");
}

TEST(Spec, ParsesImageOptions) {
  const SweepSpec spec = parse_spec(R"(method: grid
dataset: {input_size: 96, flip: true, crop_padding: 4}
parameters:
  dataset.input_size: {values: [32, 48]}
  dataset.crop_padding: {values: [0, 2]}
)",
                                    "i.yaml");
  EXPECT_EQ(spec.base.dataset.input_size, 96);
  EXPECT_TRUE(spec.base.dataset.flip);
  EXPECT_EQ(spec.base.dataset.crop_padding, 4);
  EXPECT_EQ(spec.parameters[0].values, (std::vector<ConfigValue>{int64_t{32}, int64_t{48}}));
  EXPECT_EQ(error_of("method: grid\ndataset: {crop_padding: -1}\n"),
            "s.yaml:2:25: dataset.crop_padding: must be >= 0, got -1");
  EXPECT_EQ(error_of("method: grid\ndataset: {flip: 0.5}\n"),
            "s.yaml:2:17: dataset.flip: expected true or false, got '0.5'");
}

TEST(Spec, ParsesSimulatedTrials) {
  const SweepSpec spec = parse_spec(
      "method: grid\nmodel: {type: simulated}\nsimulated: {epoch_seconds: 0.05, seed: 3}\n",
      "s.yaml");
  EXPECT_TRUE(spec.base.model.simulated());
  EXPECT_EQ(spec.base.simulated.epoch_seconds, 0.05);
  EXPECT_EQ(spec.base.simulated.seed, 3);
  EXPECT_EQ(error_of("method: grid\nmodel: {type: simulated}\nsimulated: {epoch_seconds: -1}\n"),
            "s.yaml:3:28: simulated.epoch_seconds: must be >= 0, got -1");
  EXPECT_EQ(error_of("method: grid\nmodel: {type: simulated}\nsimulated: {epoch: 1}\n"),
            "s.yaml:3:13: simulated.epoch: unknown key (known: epoch_seconds, seed)");
  EXPECT_EQ(error_of("method: grid\nsimulated: {epoch_seconds: 1}\n"),
            "s.yaml:2:1: simulated: only with `model.type: simulated`");
}

TEST(SpecErrors, MalformedYaml) {
  EXPECT_EQ(error_of("method: grid\nmodel: {width: 3\n"),
            "s.yaml:3:1: malformed YAML: end of map flow not found");
}

TEST(SpecErrors, StatusBlock) {
  EXPECT_EQ(error_of("method: grid\nstatus: {address: example.org:80}\n"),
            "s.yaml:2:19: status.address: expected HOST:PORT with an IP address or localhost, e.g. "
            "127.0.0.1:8080, or :0 for an ephemeral port on 127.0.0.1, got 'example.org:80'");
  EXPECT_EQ(error_of("method: grid\nstatus: {address: \"127.0.0.1:70000\"}\n"),
            "s.yaml:2:19: status.address: expected HOST:PORT with an IP address or localhost, e.g. "
            "127.0.0.1:8080, or :0 for an ephemeral port on 127.0.0.1, got '127.0.0.1:70000'");
  EXPECT_EQ(error_of("method: grid\nstatus: {port: 8080}\n"),
            "s.yaml:2:10: status.port: unknown key (known: address, token_file)");
}

TEST(Spec, StatusBlockIsReadAndOptional) {
  const SweepSpec with =
      parse_spec("method: grid\nstatus: {address: \"[::1]:0\", token_file: t.txt}\n", "s.yaml");
  EXPECT_EQ(with.status.address, "[::1]:0");
  EXPECT_EQ(with.status.token_file, "t.txt");
  EXPECT_EQ(parse_spec("method: grid\n", "s.yaml").status.address, "");
}

TEST(SpecErrors, UnknownKeys) {
  EXPECT_EQ(
      error_of("method: grid\nepochs: 3\n"),
      "s.yaml:2:1: epochs: unknown key (known: name, description, seed, method, metric, "
      "run_cap, repeats, dataset, "
      "model, training, checkpoint, simulated, args, parameters, resources, early_terminate, pbt, "
      "bayes, limits, status)");
  EXPECT_EQ(
      error_of("method: grid\nmodel: {widht: 3}\n"),
      "s.yaml:2:9: model.widht: unknown key (known: type, width, depth, dropout, activation, cell, "
      "embedding, anchor_size_min, anchor_size_max, anchor_ratio, init, init_sigma, "
      "command_timeout, command_grace, layers, command)");
  EXPECT_EQ(error_of("method: grid\nmetric: {name: test_error, direction: up}\n"),
            "s.yaml:2:28: metric.direction: unknown key (known: name, goal)");
}

TEST(SpecErrors, WrongTypes) {
  EXPECT_EQ(error_of("method: grid\ntraining: {lr: fast}\n"),
            "s.yaml:2:16: training.lr: expected a number, got 'fast'");
  EXPECT_EQ(error_of("method: grid\nmodel: {depth: 1.5}\n"),
            "s.yaml:2:16: model.depth: expected an integer, got '1.5'");
  EXPECT_EQ(error_of("method: grid\ntraining: {shuffle: maybe}\n"),
            "s.yaml:2:21: training.shuffle: expected true or false, got 'maybe'");
  EXPECT_EQ(error_of("method: grid\nmodel: {width: [1, 2]}\n"),
            "s.yaml:2:16: model.width: expected a single integer value");
  EXPECT_EQ(error_of("method: grid\nmodel: {type: resnet50}\n"),
            "s.yaml:2:15: model.type: must be one of softmax, linear, mlp, lenet, lenet-bn, "
            "alexnet, vgg, nin, googlenet, resnet, densenet, rnn-lm, tiny-ssd, sequential, "
            "simulated, command, got 'resnet50'");
  EXPECT_EQ(error_of("method: grid\ntraining: {optimizer: adamw}\n"),
            "s.yaml:2:23: training.optimizer: must be one of sgd, adam, got 'adamw'");
  EXPECT_EQ(error_of("method: grid\ncheckpoint: {every: 2, keep: latest}\n"),
            "s.yaml:2:30: checkpoint.keep: must be one of last, best, both, none, got 'latest'");
  EXPECT_EQ(error_of("method: grid\ncheckpoint: {keep: 1}\n"),
            "s.yaml:2:20: checkpoint.keep: must be one of last, best, both, none, got '1'");
}

TEST(SpecErrors, OutOfRangeValues) {
  EXPECT_EQ(error_of("method: grid\ntraining: {lr: 0}\n"),
            "s.yaml:2:16: training.lr: must be > 0, got 0");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr: -0.1}\n"),
            "s.yaml:2:16: training.lr: must be > 0, got -0.1");
  EXPECT_EQ(error_of("method: grid\nmodel: {dropout: 1}\n"),
            "s.yaml:2:18: model.dropout: must be < 1, got 1");
  EXPECT_EQ(error_of("method: grid\nmodel: {dropout: -0.1}\n"),
            "s.yaml:2:18: model.dropout: must be >= 0, got -0.1");
  EXPECT_EQ(error_of("method: grid\ntraining: {momentum: 1}\n"),
            "s.yaml:2:22: training.momentum: must be < 1, got 1");
  EXPECT_EQ(error_of("method: grid\ntraining: {momentum: -0.5}\n"),
            "s.yaml:2:22: training.momentum: must be >= 0, got -0.5");
  EXPECT_EQ(error_of("method: grid\nparameters:\n  training.beta2: {values: [0.99, 1.0]}\n"),
            "s.yaml:3:35: training.beta2: must be < 1, got 1");
  EXPECT_EQ(error_of("method: grid\ntraining: {eps: 0}\n"),
            "s.yaml:2:17: training.eps: must be > 0, got 0");
  EXPECT_EQ(error_of("method: grid\nmodel: {depth: -1}\n"),
            "s.yaml:2:16: model.depth: must be >= 0, got -1");
  EXPECT_EQ(error_of("method: grid\nparameters:\n  model.dropout: {values: [0.1, 1.5]}\n"),
            "s.yaml:3:33: model.dropout: must be < 1, got 1.5");
  EXPECT_EQ(error_of("seed: -3\nmethod: grid\n"), "s.yaml:1:7: seed: must be >= 0, got -3");
}

TEST(SpecErrors, SweptPathThatDoesNotExist) {
  const std::string message = error_of("method: grid\nparameters:\n  model.widht: {values: [1]}\n");
  EXPECT_EQ(message.substr(0, message.find(" (known")),
            "s.yaml:3:3: model.widht: no such parameter path");
}

TEST(SpecErrors, MinGreaterThanMax) {
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training.lr: {distribution: "
                     "uniform, min: 0.5, max: 0.1}\n"),
            "s.yaml:4:45: training.lr.min: min (0.5) is greater than max (0.1)");
}

TEST(SpecErrors, DistributionProblems) {
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training.lr: {distribution: "
                     "log_uniform_values, min: 0, max: 1}\n"),
            "s.yaml:4:56: training.lr.min: must be > 0, got 0");
  EXPECT_EQ(
      error_of("method: random\nrun_cap: 2\nparameters:\n  model.depth: {distribution: "
               "uniform, min: 1, max: 3}\n"),
      "s.yaml:4:31: model.depth.distribution: uniform needs a real parameter; this one's kind is "
      "integer");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training.lr: {distribution: "
                     "beta, min: 1, max: 3}\n"),
            "s.yaml:4:31: training.lr.distribution: must be one of categorical, constant, "
            "uniform, int_uniform, q_uniform, log_uniform, log_uniform_values, q_log_uniform, "
            "q_log_uniform_values, inv_log_uniform, inv_log_uniform_values, normal, q_normal, "
            "log_normal, q_log_normal, got 'beta'");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\nparameters:\n  training.lr: {distribution: "
                     "uniform, min: 0.1}\n"),
            "s.yaml:4:16: training.lr: uniform needs both `min` and `max`");
  EXPECT_EQ(
      error_of(
          "method: grid\nparameters:\n  training.lr: {distribution: uniform, min: 0.1, max: 1}\n"),
      "s.yaml:3:16: training.lr: method grid needs `values` (or `value`) for every parameter, not "
      "a uniform distribution");
  EXPECT_EQ(error_of("method: grid\nparameters:\n  training.lr: {values: []}\n"),
            "s.yaml:3:25: training.lr.values: expected a non-empty list [v1, v2, ...]");
}

TEST(SpecErrors, MethodAndRunCap) {
  EXPECT_EQ(error_of("name: x\n"),
            "s.yaml:1:1: method: missing: say `method: grid` or `method: random`");
  EXPECT_EQ(error_of("method: tpe\n"),
            "s.yaml:1:9: method: must be grid, random, pbt or bayes, got 'tpe'");
  EXPECT_EQ(error_of("method: random\n"),
            "s.yaml:1:9: run_cap: method random needs `run_cap` (how many trials to draw)");
  EXPECT_EQ(error_of("method: grid\nrun_cap: 0\n"), "s.yaml:2:10: run_cap: must be >= 1, got 0");
}

TEST(SpecErrors, DuplicateKeysAndNonMapping) {
  EXPECT_EQ(error_of("method: grid\nmodel: {width: 3, width: 4}\n"),
            "s.yaml:2:19: model.width: duplicate key");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "s.yaml:1:1: the spec must be a YAML mapping (name:, method:, parameters:, ...)");
}

TEST(Spec, ParsesBayes) {
  const SweepSpec spec = parse_spec(
      "method: bayes\nrun_cap: 30\nparameters:\n  training.lr: {min: 0.001, max: 0.1}\n"
      "bayes: {startup_trials: 5, ei_candidates: 48, prior_weight: 2, magic_clip: false, "
      "gamma: 0.2, gamma_cap: 10, min_bandwidth: 0.03, bandwidth_exponent: 2, "
      "consider_endpoints: true, weighting: improvement, constant_liar: false, "
      "multivariate: true, joint_bandwidth: neighbours, seed: 4}\n",
      "b.yaml");
  EXPECT_EQ(spec.method, SearchMethod::bayes);
  EXPECT_EQ(spec.run_cap, 30);
  EXPECT_EQ(spec.bayes.startup_trials, 5);
  EXPECT_EQ(spec.bayes.ei_candidates, 48);
  EXPECT_EQ(spec.bayes.prior_weight, 2);
  EXPECT_FALSE(spec.bayes.magic_clip);
  EXPECT_EQ(spec.bayes.gamma, 0.2);
  EXPECT_EQ(spec.bayes.gamma_cap, 10);
  EXPECT_EQ(spec.bayes.min_bandwidth, 0.03);
  EXPECT_EQ(spec.bayes.bandwidth_exponent, 2);
  EXPECT_TRUE(spec.bayes.consider_endpoints);
  EXPECT_EQ(spec.bayes.weighting, BayesWeighting::improvement);
  EXPECT_TRUE(spec.bayes.multivariate);
  EXPECT_EQ(spec.bayes.joint_bandwidth, BayesJointBandwidth::neighbours);
  EXPECT_FALSE(spec.bayes.constant_liar);
  EXPECT_EQ(spec.bayes.seed, 4u);
  // The defaults: Optuna 3.1's, the constant liar on, and the hpsweep preset's gamma 0.15,
  // multivariate kernels with neighbour bandwidths and improvement weights.
  const std::string lr =
      "method: bayes\nrun_cap: 3\nparameters:\n  training.lr: {min: 0.001, max: 0.1}\n";
  const SweepSpec plain = parse_spec(lr, "b.yaml");
  EXPECT_EQ(plain.bayes.startup_trials, 10);
  EXPECT_EQ(plain.bayes.ei_candidates, 24);
  EXPECT_EQ(plain.bayes.gamma, 0.15);
  EXPECT_EQ(plain.bayes.gamma_cap, 25);
  EXPECT_EQ(plain.bayes.min_bandwidth, 0.01);
  EXPECT_EQ(plain.bayes.bandwidth_exponent, 1);
  EXPECT_FALSE(plain.bayes.consider_endpoints);
  EXPECT_EQ(plain.bayes.weighting, BayesWeighting::improvement);
  EXPECT_TRUE(plain.bayes.multivariate);
  EXPECT_EQ(plain.bayes.joint_bandwidth, BayesJointBandwidth::neighbours);
  EXPECT_TRUE(plain.bayes.constant_liar);
  // The optuna preset: Optuna 3.1's TPESampler's model; a key beside it overrides it, written
  // before or after.
  const std::pair<const char*, double> presets[] = {{"bayes: {preset: optuna}\n", 0.1},
                                                    {"bayes: {gamma: 0.2, preset: optuna}\n", 0.2}};
  for (const auto& [bayes, gamma] : presets) {
    const SweepSpec optuna = parse_spec(lr + bayes, "b.yaml");
    EXPECT_EQ(optuna.bayes.gamma, gamma) << bayes;
    EXPECT_EQ(optuna.bayes.weighting, BayesWeighting::age);
    EXPECT_FALSE(optuna.bayes.multivariate);
    EXPECT_EQ(optuna.bayes.joint_bandwidth, BayesJointBandwidth::scott);
    EXPECT_TRUE(optuna.bayes.constant_liar);
  }
  EXPECT_EQ(parse_spec(lr + "bayes: {preset: hpsweep}\n", "b.yaml").bayes.gamma, 0.15);
}

TEST(SpecErrors, Bayes) {
  const std::string lr = "parameters:\n  training.lr: {min: 0.001, max: 0.1}\n";
  EXPECT_EQ(error_of("method: bayes\n" + lr),
            "s.yaml:1:9: run_cap: method bayes needs `run_cap` (how many trials to suggest)");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n"),
            "s.yaml:1:9: parameters: method bayes needs parameters to suggest");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\nrepeats: 3\n" + lr),
            "s.yaml:3:10: repeats: does not combine with method bayes: each suggestion is one "
            "trial");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\ndataset: {kfold: 3}\n" + lr),
            "s.yaml:3:18: dataset.kfold: does not combine with method bayes: each suggestion is "
            "one trial");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n" + lr + "  training.seed: {values: [1, 2]}\n"),
            "s.yaml:5:18: parameters.training.seed: a seed is not a hyperparameter for method "
            "bayes to model; fix it or leave it out");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n" + lr + "bayes: {gamma: 0}\n"),
            "s.yaml:5:16: bayes.gamma: must be in (0, 1], got 0");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n" + lr + "bayes: {trials: 3}\n"),
            "s.yaml:5:9: bayes.trials: unknown key (known: preset, startup_trials, ei_candidates, "
            "prior_weight, magic_clip, gamma, gamma_cap, min_bandwidth, bandwidth_exponent, "
            "consider_endpoints, weighting, constant_liar, multivariate, joint_bandwidth, seed)");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n" + lr + "bayes: {preset: tpe}\n"),
            "s.yaml:5:17: bayes.preset: must be one of hpsweep, optuna, got 'tpe'");
  EXPECT_EQ(error_of("method: bayes\nrun_cap: 4\n" + lr + "bayes: {weighting: loss}\n"),
            "s.yaml:5:20: bayes.weighting: must be one of age, improvement, got 'loss'");
  EXPECT_EQ(error_of("method: random\nrun_cap: 4\n" + lr + "bayes: {gamma: 0.2}\n"),
            "s.yaml:5:8: bayes: only with `method: bayes`");
}

TEST(Spec, ParsesEarlyTerminate) {
  const SweepSpec asha = parse_spec(R"(method: grid
training: {epochs: 27}
early_terminate: {type: asha, grace_period: 1, reduction_factor: 3, brackets: 2}
)",
                                    "a.yaml");
  EXPECT_EQ(asha.early_terminate.kind, EarlyTerminateKind::asha);
  EXPECT_EQ(asha.early_terminate.reduction_factor, 3);
  EXPECT_EQ(asha.early_terminate.brackets, 2);
  EXPECT_EQ(asha.early_terminate.max_epochs, 27);  // training.epochs
  const SweepSpec hyperband = parse_spec(
      "method: grid\ntraining: {epochs: 81}\nearly_terminate: {type: hyperband, min_iter: 1, "
      "eta: 3}\n",
      "h.yaml");
  EXPECT_EQ(hyperband.early_terminate.kind, EarlyTerminateKind::hyperband);
  EXPECT_EQ(hyperband.early_terminate.min_iter, 1);
  EXPECT_EQ(hyperband.early_terminate.max_iter, 81);
  const SweepSpec median = parse_spec(
      "method: grid\nearly_terminate: {type: median, grace_period: 2, min_samples: 5}\n", "m.yaml");
  EXPECT_EQ(median.early_terminate.kind, EarlyTerminateKind::median);
  EXPECT_EQ(median.early_terminate.grace_period, 2);
  EXPECT_EQ(median.early_terminate.min_samples, 5);
  EXPECT_EQ(parse_spec("method: grid\n", "s.yaml").early_terminate.kind, EarlyTerminateKind::none);
}

TEST(Spec, ParsesPbt) {
  const SweepSpec spec = parse_spec(R"(method: pbt
training: {epochs: 12}
pbt:
  population: 8
  perturbation_interval: 2
  quantile_fraction: 0.2
  mutations:
    training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.5}
    training.weight_decay: {values: [0, 0.0001, 0.001]}
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.5}
)",
                                    "p.yaml");
  EXPECT_EQ(spec.method, SearchMethod::pbt);
  EXPECT_EQ(spec.pbt.population, 8);
  EXPECT_EQ(spec.run_cap, 8);
  EXPECT_EQ(spec.pbt.perturbation_interval, 2);
  EXPECT_DOUBLE_EQ(spec.pbt.quantile_fraction, 0.2);
  EXPECT_DOUBLE_EQ(spec.pbt.resample_probability, 0.25);
  ASSERT_EQ(spec.pbt.mutations.size(), 2u);
  EXPECT_EQ(spec.pbt.mutations[0].distribution, Distribution::log_uniform_values);
  EXPECT_EQ(spec.pbt.mutations[1].values.size(), 3u);
  EXPECT_TRUE(spec.pbt.exploit);
  EXPECT_FALSE(parse_spec("method: pbt\ntraining: {epochs: 3}\npbt: {population: 2, "
                          "perturbation_interval: 1, exploit: false, mutations: {training.lr: "
                          "{values: [0.1, 0.2]}}}\n",
                          "p.yaml")
                   .pbt.exploit);
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 4, exploit: 0}\n"),
            "s.yaml:2:31: pbt.exploit: expected true or false, got '0'");
}

TEST(SpecErrors, EarlyTerminate) {
  EXPECT_EQ(
      error_of("method: grid\nearly_terminate: {grace_period: 2}\n"),
      "s.yaml:2:18: early_terminate: needs `type: asha`, `type: hyperband` or `type: median`");
  EXPECT_EQ(error_of("method: grid\nearly_terminate: {type: bohb}\n"),
            "s.yaml:2:25: early_terminate.type: must be asha, hyperband or median, got 'bohb'");
  EXPECT_EQ(error_of("method: grid\nearly_terminate: {type: median, eta: 3}\n"),
            "s.yaml:2:33: early_terminate.eta: unknown key for type median (known: type, "
            "grace_period, min_samples)");
  EXPECT_EQ(error_of("method: grid\nearly_terminate: {type: asha, reduction_factor: 1}\n"),
            "s.yaml:2:49: early_terminate.reduction_factor: must be >= 2, got 1");
  EXPECT_EQ(error_of("method: grid\ntraining: {epochs: 9}\nearly_terminate: {type: asha, "
                     "max_epochs: 10}\n"),
            "s.yaml:3:43: early_terminate.max_epochs: 10 is more than training.epochs (9)");
  EXPECT_EQ(error_of("method: grid\ntraining: {epochs: 9}\nearly_terminate: {type: asha, "
                     "brackets: 4}\n"),
            "s.yaml:3:41: early_terminate.brackets: at most 3 for these rungs, got 4");
  EXPECT_EQ(error_of("method: grid\ntraining: {epochs: 9}\nearly_terminate: {type: hyperband, "
                     "min_iter: 10}\n"),
            "s.yaml:3:46: early_terminate.min_iter: is more than max_iter (9)");
  EXPECT_EQ(error_of("method: grid\nearly_terminate: {type: median, min_samples: x}\n"),
            "s.yaml:2:46: early_terminate.min_samples: expected an integer, got 'x'");
  EXPECT_EQ(error_of("method: grid\nearly_terminate: {type: median}\nparameters:\n  "
                     "training.epochs: {values: [1, 2]}\n"),
            "s.yaml:4:3: parameters.training.epochs: epochs are the scheduler's resource and "
            "cannot be swept with early_terminate");
}

TEST(SpecErrors, Pbt) {
  const std::string mutations = "mutations: {training.lr: {values: [0.1, 0.2]}}";
  EXPECT_EQ(error_of("method: pbt\n"), "s.yaml:1:9: pbt: method pbt needs a `pbt:` block");
  EXPECT_EQ(error_of("method: grid\npbt: {population: 2}\n"),
            "s.yaml:2:6: pbt: only with `method: pbt`");
  EXPECT_EQ(error_of("method: pbt\npbt: {perturbation_interval: 2, " + mutations + "}\n"),
            "s.yaml:2:6: pbt.population: missing: how many trials to train");
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 1}\n"),
            "s.yaml:2:19: pbt.population: must be >= 2, got 1");
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 4, quantile_fraction: 0.6}\n"),
            "s.yaml:2:41: pbt.quantile_fraction: must be in (0, 0.5], got 0.6");
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 4, resample_probability: -1}\n"),
            "s.yaml:2:44: pbt.resample_probability: must be in [0, 1], got -1");
  EXPECT_EQ(error_of("method: pbt\ntraining: {epochs: 4}\npbt: {population: 4, "
                     "perturbation_interval: 4, " +
                     mutations + "}\n"),
            "s.yaml:3:45: pbt.perturbation_interval: must be less than training.epochs (4)");
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 4, perturbation_interval: 2}\n"),
            "s.yaml:2:6: pbt.mutations: missing: the parameters to perturb, each with a "
            "distribution");
  EXPECT_EQ(error_of("method: pbt\npbt: {population: 4, mutations: {training.lr: {values: "
                     "[0]}}}\n"),
            "s.yaml:2:57: training.lr: must be > 0, got 0");
  EXPECT_EQ(error_of("method: pbt\nrun_cap: 3\npbt: {population: 4, perturbation_interval: 2, " +
                     mutations + "}\n"),
            "s.yaml:2:10: run_cap: method pbt takes `pbt.population` instead");
}

TEST(SpecErrors, MissingFile) {
  try {
    load_spec_file("/nonexistent/x.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.yaml: cannot open the spec file");
  }
}

TEST(Spec, ParsesGeneralizationKeys) {
  const SweepSpec spec = parse_spec(R"(method: grid
repeats: 5
metric: {name: val_error}
dataset: {validation: 0.1}
training: {eval_train: all}
parameters:
  training.seed: {values: [0, 1]}
)",
                                    "s.yaml");
  EXPECT_EQ(spec.repeats, 5);
  EXPECT_EQ(spec.metric.name, "val_error");
  EXPECT_FALSE(spec.metric.on_test_set());
  EXPECT_EQ(spec.base.dataset.validation, 0.1);
  EXPECT_EQ(spec.base.training.eval_train, kEvalTrainAll);
  EXPECT_EQ(
      parse_spec("method: grid\ntraining: {eval_train: 500}\n", "s.yaml").base.training.eval_train,
      500);
}

TEST(SpecErrors, GeneralizationKeys) {
  EXPECT_EQ(error_of("method: grid\nmetric: {name: val_error}\n"),
            "s.yaml:2:9: metric.name: val_error needs a validation part: set dataset.validation "
            "(or dataset.kfold)");
  EXPECT_EQ(error_of("method: grid\nmetric: {name: train_eval_loss}\n"),
            "s.yaml:2:9: metric.name: train_eval_loss needs training.eval_train");
  EXPECT_EQ(error_of("method: grid\nmetric: {name: accuracy}\n"),
            "s.yaml:2:16: metric.name: must be one of val_error, val_loss, test_error, test_loss, "
            "train_error, train_loss, train_eval_error, train_eval_loss, test_perplexity, "
            "train_perplexity, test_map50, test_map50_95, train_box_mae, test_box_mae, got "
            "'accuracy'");
  EXPECT_EQ(error_of("method: grid\nrepeats: 0\n"), "s.yaml:2:10: repeats: must be >= 1, got 0");
  EXPECT_EQ(error_of("method: grid\ntraining: {eval_train: some}\n"),
            "s.yaml:2:24: training.eval_train: expected an integer, got 'some'");
  EXPECT_EQ(error_of("method: grid\ndataset: {kfold: 5}\nparameters:\n  dataset.kfold: {values: "
                     "[3, 5]}\n"),
            "s.yaml:4:3: parameters.dataset.kfold: the folds are the trials of one "
            "configuration: set dataset.kfold, do not sweep it");
  EXPECT_EQ(error_of("method: pbt\nrepeats: 3\npbt: {population: 4, perturbation_interval: 1}\n"),
            "s.yaml:2:10: repeats: does not combine with method pbt");
}

TEST(SpecErrors, ASecondDocumentAfterAnEndMarkerIsNamed) {
  EXPECT_EQ(error_of("method: grid\n...\nmethod: random\n"),
            "s.yaml:3:1: a second YAML document; a spec is one document (remove the `---` or "
            "`...` before this line)");
  // Markers around one document, comments and blank lines are fine.
  EXPECT_EQ(error_of("---\n# a comment\nmethod: grid\n\n...\n# the end\n"), "no error");
}

}  // namespace
}  // namespace hpsweep
