// Copying a model's state (parameters and buffers) out of it (for checkpoints) and into it
// (init_from, resume).
#pragma once

#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "worker/model.h"

namespace hpsweep {

std::vector<NamedTensor> snapshot_parameters(const Model& model);

// Requires the same names and shapes in the same order; throws UserError naming `source` and
// the first parameter that differs.
void load_parameters(Model& model, const std::vector<NamedTensor>& params,
                     const std::string& source);

}  // namespace hpsweep
