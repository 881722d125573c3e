// What each distribution takes and draws, for the parser, the draws, PBT's explore and the
// limits: one place that knows which bounds are ln-exponents (W&B's log_uniform) and which
// are values (log_uniform_values).
#pragma once

#include <optional>
#include <string>

#include "common/config_fields.h"
#include "common/spec.h"

namespace hpsweep {

// The keys a distribution reads: `values` (or `value`), `min` and `max`, or `mu` and `sigma`.
enum class DistributionShape { listed, bounded, gaussian };

DistributionShape shape_of(Distribution distribution);
// The q_ distributions: the draw is rounded to a multiple of q.
bool is_quantized(Distribution distribution);
// log_uniform, q_log_uniform, inv_log_uniform: min and max are natural logarithms.
bool takes_log_bounds(Distribution distribution);

// The lowest and highest value a bounded distribution draws before rounding to q:
// [exp(min), exp(max)] for ln-bounds, [exp(-max), exp(-min)] for inv_log_uniform, [min, max]
// otherwise.
struct ValueBounds {
  double lo = 0, hi = 0;
};
ValueBounds value_bounds(const ParameterSpec& parameter);

// The fraction of a gaussian-shaped parameter's draws that `field` accepts (after rounding to
// q), so that the parser can refuse a distribution whose redraw loop would not end soon.
double valid_fraction(const ParameterSpec& parameter, const ConfigField& field);

// Why ln-bounds look like values written for log_uniform_values (the meaning hpsweep gave
// log_uniform before it followed W&B); nullopt when they look like exponents. The rule is in
// docs/spec.md.
std::optional<std::string> log_bounds_mistake(const ParameterSpec& parameter,
                                              const ConfigField& field);

}  // namespace hpsweep
