// Builds the model a ModelConfig names, and initialises its parameters.
//   softmax: Flatten, Linear(inputs, classes)                       (d2l 3.7)
//   linear:  the same layers, for regression (one output; d2l 3.3, 4.4, 4.5)
//   mlp:     Flatten, depth x [Linear(., width), activation, Dropout(p)], Linear(width, classes)
//            (d2l 4.3 and 4.6). Dropout layers exist even when p = 0 so that parameter names
//            do not depend on the dropout rate (init_from works across a dropout sweep).
//   lenet, lenet-bn, alexnet, vgg, nin, googlenet, resnet, densenet: d2l's convolutional
//            networks (worker/models/zoo.h), for image samples [C, H, W].
// Unset width and depth take the type's defaults (common/model_defaults.h). A network that
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
// and initialization aside): for building or describing each distinct model once.
std::string architecture_key(const ModelConfig& config, const Shape& sample_shape);

}  // namespace hpsweep
