// d2l's convolutional networks (chapters 7 and 8), NCHW, each as the book lists it with its
// width and depth from the config (common/model_defaults.h says what they count). Inputs are
// [C, H, W] samples (Fashion-MNIST: [1, S, S] with S = dataset.input_size).
#pragma once

#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

// lenet: d2l 7.6, sigmoid and average pooling; lenet-bn: batch norm after every conv and
// hidden Linear, ReLU and max pooling (d2l 8.5).
Model build_lenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs,
                  bool batch_norm);
Model build_alexnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_vgg(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_nin(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_googlenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_resnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_densenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);

}  // namespace hpsweep
