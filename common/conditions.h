// Conditional parameters (`when:` under a spec's `parameters`, docs/spec.md): whether one
// applies to a trial, the order in which to choose values (each parameter after those its
// conditions name), and cycles, which the spec parser rejects.
#pragma once

#include <string>
#include <vector>

#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

// Whether every condition of `parameter` holds for the values chosen so far; a condition on a
// parameter without a value (absent, or not chosen yet) does not hold.
bool conditions_hold(const ParameterSpec& parameter, const std::vector<SweptValue>& chosen);

// Indices into `parameters`: file order, except that a parameter comes after every parameter
// its conditions name. The conditions must form no cycle.
std::vector<size_t> dependency_order(const std::vector<ParameterSpec>& parameters);

// The paths of a cycle of conditions that starts and ends at parameters[start], e.g.
// {"model.width", "model.type", "model.width"}; empty when there is none.
std::vector<std::string> condition_cycle(const std::vector<ParameterSpec>& parameters,
                                         size_t start);

}  // namespace hpsweep
