// Builds the model a ModelConfig names: the layers its type writes (common/model_types.h,
// common/models/), or those of `model.layers`, by worker/models/spec_network.h.
// Unset width and depth take the type's defaults (common/model_types.h). A network that
// does not fit its input (too many stages for the image size) is a UserError naming both.
#pragma once

#include <string>

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

// sample_shape excludes the batch axis, e.g. [1, 28, 28]; outputs: classes, or 1 for regression.
Model build_model(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);

// Equal for two configs that build the same architecture on the same input (dropout rates
// and initialization aside; a language model's cell and embedding count): for building or
// describing each distinct model once.
std::string architecture_key(const ModelConfig& config, const Shape& sample_shape);

}  // namespace hpsweep
