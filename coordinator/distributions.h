// Drawing a swept parameter's value from its distribution, shared by random search and PBT's
// explore step. Draws come from the caller's Rng, so a sweep's draws follow from its seed.
#pragma once

#include "common/config_fields.h"
#include "common/rng.h"
#include "common/spec.h"

namespace hpsweep {

// One value drawn from `parameter`'s distribution (`values` uniformly). The value has the
// field's type, and is valid for the field.
ConfigValue draw_value(const ParameterSpec& parameter, Rng& rng);

// x rounded to the nearest multiple of parameter.q within [min, max] (q_uniform,
// q_log_uniform), as an integer for an integer field.
ConfigValue quantize(const ParameterSpec& parameter, double x);

}  // namespace hpsweep
