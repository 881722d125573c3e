#include "coordinator/search_space.h"

#include "common/conditions.h"
#include "common/model_defaults.h"
#include "common/rng.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

constexpr uint64_t kTrialSeedStream = 0x7472696c;  // "tril"
constexpr uint64_t kSampleStream = 0x73616d70;     // "samp"

// `chosen`: the swept values in any order, absent conditional parameters left out. The trial
// lists them in file order.
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
  return trial;
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
  const std::vector<size_t> order = dependency_order(spec.parameters);
  if (spec.method != SearchMethod::grid) return random_draws(spec, order);
  std::vector<Trial> trials;
  std::vector<SweptValue> chosen;
  grid(spec, order, 0, chosen, trials);
  return trials;
}

}  // namespace hpsweep
