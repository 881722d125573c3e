#include "coordinator/search_space.h"

#include "common/model_defaults.h"
#include "common/rng.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

constexpr uint64_t kTrialSeedStream = 0x7472696c;  // "tril"
constexpr uint64_t kSampleStream = 0x73616d70;     // "samp"

Trial make_trial(const SweepSpec& spec, int64_t id, std::vector<ConfigValue> values) {
  Trial trial;
  trial.id = id;
  trial.seed = trial_seed(spec.seed, id);
  trial.config = spec.base;
  trial.metric = spec.metric;
  for (size_t i = 0; i < values.size(); ++i) {
    const ParameterSpec& p = spec.parameters[i];
    find_config_field(p.path)->set(trial.config, values[i]);
    trial.swept.push_back({p.path, std::move(values[i])});
  }
  trial.config.model = with_model_defaults(trial.config.model);
  return trial;
}

std::vector<Trial> grid(const SweepSpec& spec) {
  std::vector<Trial> trials;
  const size_t n = spec.parameters.size();
  std::vector<size_t> index(n, 0);  // an odometer over the parameters' values
  while (true) {
    if (spec.run_cap && static_cast<int64_t>(trials.size()) == spec.run_cap) break;
    std::vector<ConfigValue> values;
    for (size_t i = 0; i < n; ++i) values.push_back(spec.parameters[i].values[index[i]]);
    trials.push_back(make_trial(spec, static_cast<int64_t>(trials.size()), std::move(values)));
    size_t digit = n;
    while (digit > 0) {
      --digit;
      if (++index[digit] < spec.parameters[digit].values.size()) break;
      index[digit] = 0;
      if (digit == 0) return trials;
    }
    if (n == 0) break;
  }
  return trials;
}

std::vector<Trial> random_draws(const SweepSpec& spec) {
  Rng rng(counter_hash({spec.seed, kSampleStream}));
  std::vector<Trial> trials;
  for (int64_t id = 0; id < spec.run_cap; ++id) {
    std::vector<ConfigValue> values;
    for (const ParameterSpec& p : spec.parameters) values.push_back(draw_value(p, rng));
    trials.push_back(make_trial(spec, id, std::move(values)));
  }
  return trials;
}

}  // namespace

uint64_t trial_seed(uint64_t sweep_seed, int64_t trial_index) {
  return counter_hash({sweep_seed, kTrialSeedStream, static_cast<uint64_t>(trial_index)});
}

std::vector<Trial> expand_trials(const SweepSpec& spec) {
  return spec.method == SearchMethod::grid ? grid(spec) : random_draws(spec);
}

}  // namespace hpsweep
