#include "coordinator/distributions.h"

#include <algorithm>
#include <cmath>

#include "common/distribution_kinds.h"

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
  double k = std::round(x / p.q);
  if (shape_of(p.distribution) == DistributionShape::bounded) {
    // The multiples of q within the bounds; the parser has checked there is one.
    const ValueBounds bounds = value_bounds(p);
    k = std::clamp(k, std::ceil(bounds.lo / p.q - 1e-9), std::floor(bounds.hi / p.q + 1e-9));
  }
  if (find_config_field(p.path)->kind == ValueKind::integer)
    return static_cast<int64_t>(std::llround(k * p.q));
  const int d = decimals_of(p.q);
  return decimal(std::round(scaled(k * p.q, d)), d);
}

ConfigValue drawn_value(const ParameterSpec& p, double x) {
  if (is_quantized(p.distribution)) return quantize(p, x);
  if (shape_of(p.distribution) == DistributionShape::gaussian)
    return round_significant(x, -HUGE_VAL, HUGE_VAL);
  const ValueBounds bounds = value_bounds(p);
  return round_significant(x, bounds.lo, bounds.hi);
}

namespace {

// The normal family, truncated to the field's valid values (lr > 0, dropout in [0, 1)) by
// drawing again: W&B does not truncate, but a trial cannot train with an invalid value. The
// parser has checked that enough of the draws are valid.
ConfigValue gaussian_value(const ParameterSpec& p, Rng& rng) {
  const ConfigField& field = *find_config_field(p.path);
  const bool log =
      p.distribution == Distribution::log_normal || p.distribution == Distribution::q_log_normal;
  while (true) {
    double x = p.mu + p.sigma * rng.normal();
    if (log) x = std::exp(x);
    ConfigValue value = x;
    if (is_quantized(p.distribution)) {
      value = quantize(p, x);
    } else {
      const double rounded = round_significant(x, -HUGE_VAL, HUGE_VAL);
      if (!check_value(field, rounded)) value = rounded;
    }
    if (!check_value(field, value)) return value;
  }
}

}  // namespace

ConfigValue draw_value(const ParameterSpec& p, Rng& rng) {
  switch (p.distribution) {
    case Distribution::values:
    case Distribution::categorical:
    case Distribution::constant:
      return p.values[rng.below(p.values.size())];
    case Distribution::int_uniform:
      return static_cast<int64_t>(p.min) +
             static_cast<int64_t>(rng.below(static_cast<uint64_t>(p.max - p.min) + 1));
    case Distribution::uniform:
    case Distribution::q_uniform:
      return drawn_value(p, rng.uniform(p.min, p.max));
    case Distribution::log_uniform:
    case Distribution::q_log_uniform:
      return drawn_value(p, std::exp(rng.uniform(p.min, p.max)));
    case Distribution::log_uniform_values:
    case Distribution::q_log_uniform_values:
      return drawn_value(p, std::exp(rng.uniform(std::log(p.min), std::log(p.max))));
    case Distribution::inv_log_uniform:
      return drawn_value(p, std::exp(-rng.uniform(p.min, p.max)));
    case Distribution::inv_log_uniform_values:
      return drawn_value(p, std::exp(-rng.uniform(std::log(1 / p.max), std::log(1 / p.min))));
    case Distribution::normal:
    case Distribution::q_normal:
    case Distribution::log_normal:
    case Distribution::q_log_normal:
      return gaussian_value(p, rng);
  }
  return int64_t{0};
}

}  // namespace hpsweep
