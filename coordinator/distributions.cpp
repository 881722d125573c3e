#include "coordinator/distributions.h"

#include <algorithm>
#include <cmath>

namespace hpsweep {

ConfigValue quantize(const ParameterSpec& p, double x) {
  // The multiples of q in [min, max]; the parser has checked there is one.
  const double lowest = std::ceil(p.min / p.q - 1e-9);
  const double highest = std::floor(p.max / p.q + 1e-9);
  const double k = std::clamp(std::round(x / p.q), lowest, highest);
  if (find_config_field(p.path)->kind == ValueKind::integer)
    return static_cast<int64_t>(std::llround(k * p.q));
  return k * p.q;
}

ConfigValue draw_value(const ParameterSpec& p, Rng& rng) {
  switch (p.distribution) {
    case Distribution::values:
    case Distribution::categorical:
      return p.values[rng.below(p.values.size())];
    case Distribution::uniform:
      return rng.uniform(p.min, p.max);
    case Distribution::log_uniform:
      return std::exp(rng.uniform(std::log(p.min), std::log(p.max)));
    case Distribution::int_uniform:
      return static_cast<int64_t>(p.min) +
             static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.max - p.min) + 1));
    case Distribution::q_uniform:
      return quantize(p, rng.uniform(p.min, p.max));
    case Distribution::q_log_uniform:
      return quantize(p, std::exp(rng.uniform(std::log(p.min), std::log(p.max))));
    case Distribution::normal: {
      // Truncated to the field's valid values (lr > 0, dropout in [0, 1)): draw again. The
      // parser has checked that mu is valid, so at least the half of the mass near it is.
      const ConfigField& field = *find_config_field(p.path);
      while (true) {
        const double x = p.mu + p.sigma * rng.normal();
        if (!check_value(field, x)) return x;
      }
    }
  }
  return int64_t{0};
}

}  // namespace hpsweep
