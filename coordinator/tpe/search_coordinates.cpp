#include "coordinator/tpe/search_coordinates.h"

#include <algorithm>
#include <cmath>

#include "common/distribution_kinds.h"
#include "common/error.h"
#include "coordinator/distributions.h"

namespace hpsweep {
namespace {

constexpr double kNormalReach = 3;  // sigmas each side of mu that TPE models

enum class Scale { listed, integer, linear, log, inverse_log };

Scale scale_of(Distribution d) {
  switch (d) {
    case Distribution::values:
    case Distribution::categorical:
    case Distribution::constant:
      return Scale::listed;
    case Distribution::int_uniform:
      return Scale::integer;
    case Distribution::uniform:
    case Distribution::q_uniform:
    case Distribution::normal:
    case Distribution::q_normal:
      return Scale::linear;
    case Distribution::log_uniform:
    case Distribution::q_log_uniform:
    case Distribution::log_uniform_values:
    case Distribution::q_log_uniform_values:
    case Distribution::log_normal:
    case Distribution::q_log_normal:
      return Scale::log;
    case Distribution::inv_log_uniform:
    case Distribution::inv_log_uniform_values:
      return Scale::inverse_log;
  }
  return Scale::linear;
}

// The coordinate of a real value on the parameter's scale, and back.
double to_scale(Scale scale, double v) {
  return scale == Scale::log ? std::log(v) : scale == Scale::inverse_log ? -std::log(v) : v;
}
double from_scale(Scale scale, double x) {
  return scale == Scale::log ? std::exp(x) : scale == Scale::inverse_log ? std::exp(-x) : x;
}

}  // namespace

TpeParameter search_range(const ParameterSpec& p) {
  const Scale scale = scale_of(p.distribution);
  if (scale == Scale::listed) return {{}, static_cast<int64_t>(p.values.size())};
  if (scale == Scale::integer) return {{p.min, p.max, 1}, 0};
  if (shape_of(p.distribution) == DistributionShape::gaussian)
    return {{p.mu - kNormalReach * p.sigma, p.mu + kNormalReach * p.sigma, 0}, 0};
  const ValueBounds bounds = value_bounds(p);
  const double a = to_scale(scale, bounds.lo), b = to_scale(scale, bounds.hi);
  return {{std::min(a, b), std::max(a, b), 0}, 0};
}

std::optional<ConfigValue> value_at(const ParameterSpec& p, double x) {
  const Scale scale = scale_of(p.distribution);
  ConfigValue value;
  if (scale == Scale::listed)
    value = p.values.at(static_cast<size_t>(x));
  else if (scale == Scale::integer)
    value = static_cast<int64_t>(std::llround(x));
  else
    value = drawn_value(p, from_scale(scale, x));
  // Benchmarks model objectives whose parameters are no config fields (bench/tpe_objectives.cpp).
  const ConfigField* field = find_config_field(p.path);
  if (field && check_value(*field, value)) return std::nullopt;
  return value;
}

double coordinate_of(const ParameterSpec& p, const ConfigValue& value) {
  const Scale scale = scale_of(p.distribution);
  if (scale == Scale::listed) {
    const auto it = std::find(p.values.begin(), p.values.end(), value);
    if (it == p.values.end())
      throw Error(p.path + ": " + value_string(value) + " is not one of its values");
    return static_cast<double>(it - p.values.begin());
  }
  return to_scale(scale, *value_number(value));
}

}  // namespace hpsweep
