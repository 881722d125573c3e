#include "coordinator/distributions.h"

#include <algorithm>
#include <cmath>

namespace hpsweep {
namespace {

constexpr int kSignificantDigits = 4;

// n / 10^e for e >= 0, n * 10^-e otherwise: both operands exact, so the result is the double
// nearest the decimal n x 10^-e, which shortest round-trip printing writes as that decimal.
double decimal(double n, int e) {
  return e >= 0 ? n / std::pow(10.0, e) : n * std::pow(10.0, -e);
}

double scaled(double x, int e) {
  return e >= 0 ? x * std::pow(10.0, e) : x / std::pow(10.0, -e);
}

// x to kSignificantDigits, rounded toward the inside of [lo, hi] where the nearest would leave it.
double round_significant(double x, double lo, double hi) {
  if (x == 0 || !std::isfinite(x)) return x;
  const int e = kSignificantDigits - 1 - static_cast<int>(std::floor(std::log10(std::abs(x))));
  double r = decimal(std::round(scaled(x, e)), e);
  if (r > hi) r = decimal(std::floor(scaled(x, e)), e);
  if (r < lo) r = decimal(std::ceil(scaled(x, e)), e);
  return r >= lo && r <= hi ? r : x;
}

// The decimals q is written with (0.05: 2, 32: 0), for multiples of q to read as written.
int decimals_of(double q) {
  int d = 0;
  while (d < 15 && std::abs(scaled(q, d) - std::round(scaled(q, d))) > 1e-9 * scaled(q, d)) ++d;
  return d;
}

}  // namespace

ConfigValue quantize(const ParameterSpec& p, double x) {
  // The multiples of q in [min, max]; the parser has checked there is one.
  const double lowest = std::ceil(p.min / p.q - 1e-9);
  const double highest = std::floor(p.max / p.q + 1e-9);
  const double k = std::clamp(std::round(x / p.q), lowest, highest);
  if (find_config_field(p.path)->kind == ValueKind::integer)
    return static_cast<int64_t>(std::llround(k * p.q));
  const int d = decimals_of(p.q);
  return decimal(std::round(scaled(k * p.q, d)), d);
}

ConfigValue draw_value(const ParameterSpec& p, Rng& rng) {
  switch (p.distribution) {
    case Distribution::values:
    case Distribution::categorical:
      return p.values[rng.below(p.values.size())];
    case Distribution::uniform:
      return round_significant(rng.uniform(p.min, p.max), p.min, p.max);
    case Distribution::log_uniform:
      return round_significant(std::exp(rng.uniform(std::log(p.min), std::log(p.max))), p.min,
                               p.max);
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
        double x = p.mu + p.sigma * rng.normal();
        const double rounded = round_significant(x, -HUGE_VAL, HUGE_VAL);
        if (!check_value(field, rounded)) x = rounded;
        if (!check_value(field, x)) return x;
      }
    }
  }
  return int64_t{0};
}

}  // namespace hpsweep
