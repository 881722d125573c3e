// Drawing a swept parameter's value from its distribution, shared by random search, PBT's
// explore step and TPE's start-up draws. Draws come from the caller's Rng, so a sweep's draws
// follow from its seed.
#pragma once

#include "common/config_fields.h"
#include "common/rng.h"
#include "common/spec.h"

namespace hpsweep {

// One value drawn from `parameter`'s distribution (`values` uniformly). The value has the
// field's type, and is valid for the field. Real draws are rounded to 4 significant digits
// (kept within the distribution's bounds), so that every table, report and file shows them as
// written (0.02836, not 0.028357166729471495): far finer than any sweep resolves.
ConfigValue draw_value(const ParameterSpec& parameter, Rng& rng);

// A real value x of a distribution as a draw gives it: to 4 significant digits (within the
// bounds of a bounded one), or quantized for the q_ distributions. TPE's suggestions go through
// it too.
ConfigValue drawn_value(const ParameterSpec& parameter, double x);

// x rounded to the nearest multiple of parameter.q (the q_ distributions), within the values a
// bounded distribution draws (common/distribution_kinds.h); as an integer for an integer field;
// a real multiple reads as written (0.3, not 0.30000000000000004).
ConfigValue quantize(const ParameterSpec& parameter, double x);

}  // namespace hpsweep
