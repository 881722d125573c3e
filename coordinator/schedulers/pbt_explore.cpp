#include "coordinator/schedulers/pbt_explore.h"

#include <algorithm>
#include <cmath>

#include "common/conditions.h"
#include "common/distribution_kinds.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

ConfigValue perturb(const ConfigValue& value, const ParameterSpec& m, bool up, Rng& rng) {
  if (shape_of(m.distribution) == DistributionShape::listed) {
    const auto it = std::find(m.values.begin(), m.values.end(), value);
    if (it == m.values.end()) return draw_value(m, rng);
    const int64_t i = std::clamp<int64_t>((it - m.values.begin()) + (up ? 1 : -1), 0,
                                          static_cast<int64_t>(m.values.size()) - 1);
    return m.values[i];
  }
  const double x = *value_number(value) * (up ? 1.2 : 0.8);
  if (shape_of(m.distribution) == DistributionShape::gaussian) {
    // No bounds but the field's: a step out of them (after rounding, for q_normal and
    // q_log_normal) is not taken.
    const ConfigValue stepped = is_quantized(m.distribution) ? quantize(m, x) : ConfigValue(x);
    return check_value(*find_config_field(m.path), stepped) ? value : stepped;
  }
  if (is_quantized(m.distribution)) return quantize(m, x);
  const ValueBounds bounds = value_bounds(m);
  if (m.distribution == Distribution::int_uniform)
    return static_cast<int64_t>(std::lround(std::clamp(x, bounds.lo, bounds.hi)));
  return std::clamp(x, bounds.lo, bounds.hi);
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
