#include "coordinator/schedulers/pbt_explore.h"

#include <algorithm>
#include <cmath>

#include "common/conditions.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

ConfigValue perturb(const ConfigValue& value, const ParameterSpec& m, bool up, Rng& rng) {
  if (m.distribution == Distribution::values || m.distribution == Distribution::categorical) {
    const auto it = std::find(m.values.begin(), m.values.end(), value);
    if (it == m.values.end()) return draw_value(m, rng);
    const int64_t i = std::clamp<int64_t>((it - m.values.begin()) + (up ? 1 : -1), 0,
                                          static_cast<int64_t>(m.values.size()) - 1);
    return m.values[i];
  }
  const double x = *value_number(value) * (up ? 1.2 : 0.8);
  switch (m.distribution) {
    case Distribution::q_uniform:
    case Distribution::q_log_uniform:
      return quantize(m, x);
    case Distribution::normal:
      // No bounds but the field's: a step out of them is not taken.
      return check_value(*find_config_field(m.path), x) ? value : ConfigValue(x);
    case Distribution::int_uniform:
      return static_cast<int64_t>(std::lround(std::clamp(x, m.min, m.max)));
    default:
      return std::clamp(x, m.min, m.max);
  }
}

}  // namespace

std::vector<SweptValue> explore(std::vector<SweptValue> values, const PbtSpec& pbt, Rng& rng) {
  for (const ParameterSpec& m : pbt.mutations) {
    if (!conditions_hold(m, values)) continue;  // e.g. no width to explore for this model type
    auto it = std::find_if(values.begin(), values.end(),
                           [&](const SweptValue& v) { return v.path == m.path; });
    if (it == values.end()) it = values.insert(values.end(), {m.path, draw_value(m, rng)});
    const bool resample = rng.uniform() < pbt.resample_probability;
    it->value = resample ? draw_value(m, rng) : perturb(it->value, m, rng.uniform() < 0.5, rng);
  }
  return values;
}

}  // namespace hpsweep
