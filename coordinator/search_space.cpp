#include "coordinator/search_space.h"

#include <algorithm>
#include <map>

#include "common/conditions.h"
#include "common/model_types.h"
#include "common/rng.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

constexpr uint64_t kTrialSeedStream = 0x7472696c;  // "tril"
constexpr uint64_t kSampleStream = 0x73616d70;     // "samp"
constexpr uint64_t kSweptSeedStream = 0x73656564;  // "seed"

}  // namespace

// The trial lists the chosen values in file order.
Trial make_trial(const SweepSpec& spec, int64_t id, const std::vector<SweptValue>& chosen) {
  Trial trial;
  trial.id = id;
  trial.seed = trial_seed(spec.seed, id);
  trial.config = spec.base;
  trial.metric = spec.metric;
  for (const ParameterSpec& p : spec.parameters)
    for (const SweptValue& v : chosen)
      if (v.path == p.path) {
        find_config_field(p.path)->set(trial.config, v.value);
        trial.swept.push_back(v);
      }
  trial.config.model = with_model_defaults(trial.config.model);
  const int64_t seed = trial.config.training.seed;
  if (seed >= 0)
    trial.seed = counter_hash({spec.seed, kSweptSeedStream, static_cast<uint64_t>(seed)});
  return trial;
}

namespace {

// Each configuration `repeats` times per fold (one fold without dataset.kfold), in that order;
// ids follow. A trial's configuration is the index of the first with the same swept values
// (training.seed aside).
std::vector<Trial> with_repeats_and_folds(const SweepSpec& spec,
                                          const std::vector<Trial>& configurations) {
  std::vector<Trial> trials;
  std::map<std::string, int64_t> configuration_of;
  for (const Trial& c : configurations) {
    const int64_t configuration =
        configuration_of.emplace(configuration_key(c.swept), configuration_of.size()).first->second;
    const int64_t folds = std::max<int64_t>(c.config.dataset.kfold, 1);
    for (int64_t fold = 0; fold < folds; ++fold)
      for (int64_t repeat = 0; repeat < spec.repeats; ++repeat) {
        Trial trial = make_trial(spec, static_cast<int64_t>(trials.size()), c.swept);
        trial.config.dataset.fold = fold;
        trial.configuration = configuration;
        trial.repeat = repeat;
        trials.push_back(std::move(trial));
      }
  }
  return trials;
}

// Every combination, parameters in dependency order (the first slowest); a conditional
// parameter whose conditions fail contributes no value, so no combination repeats.
void grid(const SweepSpec& spec, const std::vector<size_t>& order, size_t level,
          std::vector<SweptValue>& chosen, std::vector<Trial>& trials) {
  if (spec.run_cap && static_cast<int64_t>(trials.size()) == spec.run_cap) return;
  if (level == order.size()) {
    trials.push_back(make_trial(spec, static_cast<int64_t>(trials.size()), chosen));
    return;
  }
  const ParameterSpec& p = spec.parameters[order[level]];
  if (!conditions_hold(p, chosen)) return grid(spec, order, level + 1, chosen, trials);
  for (const ConfigValue& value : p.values) {
    chosen.push_back({p.path, value});
    grid(spec, order, level + 1, chosen, trials);
    chosen.pop_back();
  }
}

std::vector<Trial> random_draws(const SweepSpec& spec, const std::vector<size_t>& order) {
  Rng rng(counter_hash({spec.seed, kSampleStream}));
  std::vector<Trial> trials;
  for (int64_t id = 0; id < spec.run_cap; ++id) {
    std::vector<SweptValue> chosen;
    for (size_t i : order) {
      const ParameterSpec& p = spec.parameters[i];
      if (conditions_hold(p, chosen)) chosen.push_back({p.path, draw_value(p, rng)});
    }
    trials.push_back(make_trial(spec, id, chosen));
  }
  return trials;
}

}  // namespace

uint64_t trial_seed(uint64_t sweep_seed, int64_t trial_index) {
  return counter_hash({sweep_seed, kTrialSeedStream, static_cast<uint64_t>(trial_index)});
}

std::vector<Trial> expand_trials(const SweepSpec& spec) {
  if (spec.method == SearchMethod::bayes) {
    std::vector<Trial> trials;
    for (int64_t id = 0; id < spec.run_cap; ++id) trials.push_back(make_trial(spec, id, {}));
    return trials;
  }
  const std::vector<size_t> order = dependency_order(spec.parameters);
  if (spec.method != SearchMethod::grid)
    return with_repeats_and_folds(spec, random_draws(spec, order));
  std::vector<Trial> configurations;
  std::vector<SweptValue> chosen;
  grid(spec, order, 0, chosen, configurations);
  return with_repeats_and_folds(spec, configurations);
}

}  // namespace hpsweep
