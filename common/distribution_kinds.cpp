#include "common/distribution_kinds.h"

#include <cmath>
#include <cstdio>

namespace hpsweep {
namespace {

// ln(1e15): a value above e^this is no hyperparameter's.
constexpr double kLargestLogBound = 34.538776394910684;

// P(N(mu, sigma) <= z).
double normal_below(double z, double mu, double sigma) {
  return 0.5 * std::erfc(-(z - mu) / sigma / std::sqrt(2.0));
}

// 4 significant digits: enough to see what the bounds mean.
std::string short_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", x);
  return text;
}

bool is_log_normal(Distribution d) {
  return d == Distribution::log_normal || d == Distribution::q_log_normal;
}

}  // namespace

DistributionShape shape_of(Distribution distribution) {
  switch (distribution) {
    case Distribution::values:
    case Distribution::categorical:
    case Distribution::constant:
      return DistributionShape::listed;
    case Distribution::normal:
    case Distribution::q_normal:
    case Distribution::log_normal:
    case Distribution::q_log_normal:
      return DistributionShape::gaussian;
    default:
      return DistributionShape::bounded;
  }
}

bool is_quantized(Distribution distribution) {
  return distribution == Distribution::q_uniform || distribution == Distribution::q_log_uniform ||
         distribution == Distribution::q_log_uniform_values ||
         distribution == Distribution::q_normal || distribution == Distribution::q_log_normal;
}

bool takes_log_bounds(Distribution distribution) {
  return distribution == Distribution::log_uniform || distribution == Distribution::q_log_uniform ||
         distribution == Distribution::inv_log_uniform;
}

ValueBounds value_bounds(const ParameterSpec& p) {
  if (p.distribution == Distribution::inv_log_uniform) return {std::exp(-p.max), std::exp(-p.min)};
  if (takes_log_bounds(p.distribution)) return {std::exp(p.min), std::exp(p.max)};
  return {p.min, p.max};
}

double valid_fraction(const ParameterSpec& p, const ConfigField& field) {
  const ValueRange& r = field.range;
  double lo = r.min ? *r.min : -HUGE_VAL;
  double hi = r.max ? *r.max : HUGE_VAL;
  if (is_quantized(p.distribution)) {
    // The draws that round to the lowest and highest valid multiples of q.
    double k_lo = std::ceil(lo / p.q), k_hi = std::floor(hi / p.q);
    if (r.min && !r.min_inclusive && k_lo * p.q == lo) ++k_lo;
    if (r.max && !r.max_inclusive && k_hi * p.q == hi) --k_hi;
    if (k_lo > k_hi) return 0;
    lo = (k_lo - 0.5) * p.q;
    hi = (k_hi + 0.5) * p.q;
  }
  if (is_log_normal(p.distribution)) {
    lo = lo > 0 ? std::log(lo) : -HUGE_VAL;
    hi = hi > 0 ? std::log(hi) : -HUGE_VAL;
  }
  return normal_below(hi, p.mu, p.sigma) - normal_below(lo, p.mu, p.sigma);
}

std::optional<std::string> log_bounds_mistake(const ParameterSpec& p, const ConfigField& field) {
  if (!takes_log_bounds(p.distribution)) return std::nullopt;
  const ValueBounds bounds = value_bounds(p);
  ConfigField as_real = field;  // an integer field's draws are rounded: the range is what counts
  as_real.kind = ValueKind::real;
  std::optional<std::string> why = check_value(as_real, bounds.lo);
  if (!why) why = check_value(as_real, bounds.hi);
  if (why) why = "not a valid " + field.path + ": " + *why;
  // Exponents in (0, 1] confine the values to (1, e]: no one sweeps that on a log scale, while
  // values such as 1e-4 to 1 are the usual real bounds.
  if (!why && p.min > 0 && p.max <= 1) why = "bounds in (0, 1] look like values";
  if (!why && bounds.hi > std::exp(kLargestLogBound)) why = "beyond any hyperparameter";
  if (!why) return std::nullopt;
  const std::string name = distribution_name(p.distribution);
  return "W&B's " + name + " takes ln-bounds; did you mean " + name + "_values? min " +
         short_number(p.min) + " and max " + short_number(p.max) + " give values from " +
         short_number(bounds.lo) + " to " + short_number(bounds.hi) + " (" + *why + ")";
}

}  // namespace hpsweep
