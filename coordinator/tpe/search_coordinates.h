// Where TPE models a swept parameter: each distribution's values mapped to a numeric range
// (log parameters by their logarithm, integers with a step of 1) or to the indices of its listed
// values, and back. A suggestion in these coordinates becomes a value as a draw of the
// distribution would give it (rounded, quantized), and what TPE then records is the coordinate
// of that value, so that its model holds exactly the values trials trained with.
#pragma once

#include "common/config_fields.h"
#include "common/spec.h"
#include "coordinator/tpe/tpe_sampler.h"

namespace hpsweep {

// The range a parameter's coordinate takes. The normal family has no bounds: TPE models it
// within mu +- 3 sigma (of log x for log_normal).
TpeParameter search_range(const ParameterSpec& parameter);

// The value at coordinate x; nullopt when the field does not accept it (a normal-family
// suggestion out of the field's valid values).
std::optional<ConfigValue> value_at(const ParameterSpec& parameter, double x);

// The coordinate of a value the parameter can take.
double coordinate_of(const ParameterSpec& parameter, const ConfigValue& value);

}  // namespace hpsweep
