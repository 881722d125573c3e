// Each model type's width and depth when the spec leaves them out: the book's values, so that
// `model: {type: resnet}` is d2l's ResNet-18 and a reduced variant is one setting away.
//
//   type       width: what it counts (book)                 depth: what it counts (book)
//   softmax    -                                             -
//   linear     -                                             -
//   mlp        units per hidden layer (256)                  hidden layers (1)
//   lenet      channels of the first conv (6)                hidden Linear layers (2)
//   lenet-bn   channels of the first conv (6)                hidden Linear layers (2)
//   alexnet    channels of the first conv (96)               3x3 convs of the third stage (3)
//   vgg        channels of the first VGG block (64)          VGG blocks (5: VGG-11)
//   nin        channels of the first NiN block (96)          NiN blocks before the classifier (3)
//   googlenet  channels of the first conv (64)               Inception stages (3)
//   resnet     channels of the first stage (64)              residual blocks per stage (2)
//   densenet   channels of the first conv (64)               conv blocks per dense block (4)
//
// Every other channel count of a network scales with width / (the book's width).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/trial_config.h"

namespace hpsweep {

struct ModelShapeDefaults {
  int64_t width, depth;
};

ModelShapeDefaults model_defaults(const std::string& type);

// Whether every model of `types` is made of small products (LeNet), for blas_configure().
bool small_gemm_models(const std::vector<std::string>& types);

// `config` with an unset width (0) or depth (kDefaultDepth) replaced by the type's default.
ModelConfig with_model_defaults(ModelConfig config);

}  // namespace hpsweep
