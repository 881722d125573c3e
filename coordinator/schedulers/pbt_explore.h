// PBT's explore step (Jaderberg et al., "Population Based Training of Neural Networks"; the
// rules of Ray Tune's PopulationBasedTraining): each mutated parameter is, with probability
// resample_probability, drawn afresh from its distribution; otherwise a number is multiplied
// by 0.8 or 1.2 (equally likely; clamped to the distribution's [min, max], integers rounded,
// q_ distributions rounded to a multiple of q, normal kept within the field's valid values)
// and a `values` list moves to the neighbouring entry below or above.
#pragma once

#include <vector>

#include "common/rng.h"
#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

std::vector<SweptValue> explore(std::vector<SweptValue> values, const PbtSpec& pbt, Rng& rng);

}  // namespace hpsweep
