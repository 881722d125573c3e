// Builds a network from its layer list (common/layer_spec.h): the one builder of every model
// type, whether the registry writes its layers (common/models/) or the spec does
// (`model.layers`).
#pragma once

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

// config.layers on samples of `sample_shape` (no batch axis) with `outputs` outputs. A layer
// that does not fit its input, or a network whose output is not [outputs], is a UserError
// naming the layer and the shapes.
Model build_sequential(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);

}  // namespace hpsweep
