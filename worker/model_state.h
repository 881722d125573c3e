// Copying a model's state (parameters and buffers) out of it (for checkpoints) and into it
// (training.finetune.from, resume).
#pragma once

#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "worker/model.h"

namespace hpsweep {

std::vector<NamedTensor> snapshot_parameters(const Model& model);

// Requires the same names and shapes in the same order, except for the tensors under the
// `reinit` prefixes (training.finetune.reinit), which neither side needs to have and which keep
// their values; throws UserError naming `source`, the first tensor that differs and both
// shapes.
void load_parameters(Model& model, const std::vector<NamedTensor>& checkpoint,
                     const std::string& source, const std::vector<std::string>& reinit = {});

}  // namespace hpsweep
