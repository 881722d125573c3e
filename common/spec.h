// A sweep spec: the parsed, validated form of an experiment YAML file (W&B sweep shape plus
// the `dataset`, `model` and `training` blocks). Parsing lives in spec_loader.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config_fields.h"
#include "common/trial_config.h"

namespace hpsweep {

enum class SearchMethod { grid, random, pbt, bayes };

// W&B's distributions with W&B's meaning (docs/spec.md has the table). Bounds are as written:
// ln-exponents for log_uniform, q_log_uniform and inv_log_uniform, values for the rest
// (common/distribution_kinds.h gives each kind's keys and the values it can take).
enum class Distribution {
  values,              // `values: [...]` alone: every value (grid) or one drawn uniformly (random)
  categorical,         // `distribution: categorical` with `values`
  constant,            // `value: v` (or `distribution: constant`): always v
  uniform,             // real in [min, max]
  int_uniform,         // integer in [min, max]
  q_uniform,           // uniform, rounded to a multiple of q
  log_uniform,         // exp(uniform(min, max)): the bounds are natural logarithms
  log_uniform_values,  // real in [min, max], uniform in log space
  q_log_uniform,       // log_uniform, rounded to a multiple of q
  q_log_uniform_values,    // log_uniform_values, rounded to a multiple of q
  inv_log_uniform,         // exp(-uniform(min, max)): log(1/x) is uniform in [min, max]
  inv_log_uniform_values,  // log(1/x) uniform in [log(1/max), log(1/min)]: x in [min, max]
  normal,                  // mu + sigma * N(0, 1)
  q_normal,                // normal, rounded to a multiple of q
  log_normal,              // exp(normal)
  q_log_normal,            // log_normal, rounded to a multiple of q
};

// `when: {model.type: mlp}`: the parameter exists only for trials whose swept parameter
// `path` takes one of `values`.
struct Condition {
  std::string path;
  std::vector<ConfigValue> values;
};

struct ParameterSpec {
  std::string path;  // dotted path into the trial config, e.g. "training.lr"
  Distribution distribution = Distribution::values;
  std::vector<ConfigValue> values;
  double min = 0, max = 0;
  double q = 1;              // the q_ distributions; W&B's default
  double mu = 0, sigma = 1;  // the normal family; W&B's defaults
  // All must hold, or the trial has no value for the parameter and the field keeps its fixed
  // (or default) value (common/conditions.h). A PBT mutation takes the `when` of the swept
  // parameter of its path.
  std::vector<Condition> when = {};
};

// `early_terminate`: stops (or pauses) trials whose curves fall behind, with epochs as the
// resource. Each kind reads only its own keys; docs/schedulers.md says what they mean.
enum class EarlyTerminateKind { none, asha, hyperband, median };

struct EarlyTerminateSpec {
  EarlyTerminateKind kind = EarlyTerminateKind::none;
  int64_t grace_period = 1;      // asha: the first rung; median: the first epoch judged
  int64_t reduction_factor = 3;  // asha
  int64_t max_epochs = 0;        // asha: the last rung; 0 means training.epochs
  int64_t brackets = 1;          // asha
  int64_t min_iter = 1;          // hyperband: the smallest budget
  int64_t max_iter = 0;          // hyperband: the largest budget; 0 means training.epochs
  int64_t eta = 3;               // hyperband
  int64_t min_samples = 3;       // median: other trials needed at an epoch before judging
};

// `method: pbt`: the population is `run_cap` trials drawn as `random` would draw them.
struct PbtSpec {
  int64_t population = 0;
  int64_t perturbation_interval = 0;  // epochs between exploit/explore steps
  double quantile_fraction = 0.25;
  double resample_probability = 0.25;
  std::vector<ParameterSpec> mutations;  // each with its resampling distribution
  // false: the same population and barriers without exploit/explore (a baseline that trains
  // every trial with its initial values for the same epochs)
  bool exploit = true;
};

// How TPE weights the good results: by `age` as Optuna 3.1 (the oldest fade beyond 25), or by
// `improvement` on the best bad one (Watanabe 2023's expected-improvement weighting).
enum class BayesWeighting { age, improvement };
// The joint estimator's bandwidths (bayes.multivariate): `scott` as Optuna 3.1, or each
// observation's `neighbours` distances per dimension, as the univariate estimator's.
enum class BayesJointBandwidth { scott, neighbours };

// `bayes.preset`: the model's settings as hpsweep's defaults (Watanabe 2023's multivariate
// kernels, neighbour bandwidths, improvement weights and gamma 0.15), or as Optuna 3.1's
// TPESampler's (gamma 0.1, univariate, age weights); keys beside it override it.
enum class BayesPreset { hpsweep, optuna };

// `method: bayes`: each trial's values are suggested when it starts, by the Tree-structured
// Parzen Estimator from every result so far (coordinator/tpe/tpe_search.h). The defaults are
// Optuna 3.1's TPESampler's, except the constant liar and the four settings of the `hpsweep`
// preset (below), which searched better on held-out seeds (docs/schedulers.md).
struct BayesSpec {
  int64_t startup_trials = 10;  // results needed (at one budget) before the model is used
  int64_t ei_candidates = 24;   // draws from the good estimator scored per suggestion
  double prior_weight = 1.0;
  bool magic_clip = true;
  double gamma = 0.15;     // the good share of the results ...
  int64_t gamma_cap = 25;  // ... but at most this many
  // The magic clip's floor on bandwidths (coordinator/tpe/parzen_estimator.h).
  double min_bandwidth = 0.01;
  double bandwidth_exponent = 1.0;
  bool consider_endpoints = false;
  BayesJointBandwidth joint_bandwidth = BayesJointBandwidth::neighbours;
  BayesWeighting weighting = BayesWeighting::improvement;
  bool constant_liar = true;  // running trials' values count as bad ones
  // The parameters every trial has modelled jointly (coordinator/tpe/joint_parzen.h);
  // conditional ones stay univariate.
  bool multivariate = true;
  // The suggestions' random draws; unset, the sweep's seed. Another value gives another search
  // over trials trained with the same seeds (a study of the search itself).
  std::optional<uint64_t> seed;
};

// The metric that ranks trials, from the per-epoch curves.
struct MetricSpec {
  std::string name = "test_error";  // one of metric_names() (common/metrics.h)
  bool minimize = true;

  // Selecting epochs and trials on the test set biases the test error reported for them.
  bool on_test_set() const { return name.rfind("test_", 0) == 0; }
  // What `run` and `analyze` say (once) when it does; empty otherwise.
  std::string selection_warning() const {
    if (!on_test_set()) return "";
    if (name == "test_perplexity")
      return "note: metric test_perplexity selects epochs and trials on the test part of the "
             "text, so the perplexities reported for them are biased low (text data has no "
             "validation part)";
    if (name.starts_with("test_map"))
      return "note: metric " + name +
             " selects epochs and trials on the test set, so the mAPs reported for them are "
             "biased high (a detector has no validation mAP yet)";
    return "note: metric " + name +
           " selects epochs and trials on the test set, so the test errors reported for them "
           "are biased low; hold out a validation part (dataset.validation) and rank by "
           "val_error";
  }
};

enum class ReducerKind {
  shared,    // a group on one node sums in shared memory after backward; else as fused
  fused,     // one in-place MPI_Allreduce of all gradients after the backward pass
  bucketed,  // MPI_Iallreduce of each 1 MiB bucket as soon as backward has filled it
};

// How the sweep uses an MPI job (ignored in dev mode, where each trial runs on one thread).
struct ResourcesSpec {
  int64_t ranks_per_trial = 1;  // ranks 1..N-1 form groups of this size; rank 0 coordinates
  ReducerKind reducer = ReducerKind::shared;
  int64_t max_retries = 0;  // a failed trial runs again up to this many times; diverged never
};

// `limits`: refuse a spec above these before expanding its trials or building a model
// (common/spec_limits.h). Not part of the sweep: a resume may raise them.
struct LimitsSpec {
  int64_t max_trials = 100000;
  int64_t max_parameters = 200000000;         // per model, estimated
  int64_t max_data_bytes = int64_t{8} << 30;  // a drawn dataset in memory, per process
};

// `status`: the live status server (status/, docs/status-api.md). Not part of the sweep
// either: a resume may serve elsewhere or not at all.
struct StatusSpec {
  std::string address;     // HOST:PORT (common/status_address.h); empty: no server
  std::string token_file;  // empty: no token (--status-token)
};

struct SweepSpec {
  std::string name;
  std::string source;     // file the spec came from, for messages
  std::string yaml_text;  // the file as written, stored in sweep.h5
  uint64_t seed = 0;
  SearchMethod method = SearchMethod::grid;
  MetricSpec metric;
  int64_t run_cap = 0;  // 0: no cap (grid); required for random. Counts configurations.
  // Trials per configuration (and fold): `repeats` trials that differ only in their seed.
  int64_t repeats = 1;
  EarlyTerminateSpec early_terminate;
  PbtSpec pbt;                            // method pbt only
  BayesSpec bayes;                        // method bayes only
  TrialConfig base;                       // the fixed blocks
  std::vector<ParameterSpec> parameters;  // in file order
  ResourcesSpec resources;
  LimitsSpec limits;
  StatusSpec status;
  // The 1-based line and column of each key of the fixed blocks and each swept parameter, for
  // problems found once the data is known (located_at_key).
  std::map<std::string, std::pair<int, int>> key_places;
  // Lines the commands print once on loading (not errors): the W&B keys hpsweep ignores, W&B
  // settings it cannot follow. Each names the file.
  std::vector<std::string> warnings;
};

// Throws UserError naming file, line, column and key for any problem.
SweepSpec parse_spec(const std::string& yaml_text, const std::string& source_name);
SweepSpec load_spec_file(const std::string& path);
// "FILE:LINE:COL: KEY: what" at the place `key` is written (common/error.h), or "FILE: KEY:
// what" for a key the file does not give.
std::string located_at_key(const SweepSpec& spec, const std::string& key, const std::string& what);

std::string distribution_name(Distribution distribution);

}  // namespace hpsweep
