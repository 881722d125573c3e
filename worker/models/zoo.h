// The builders of the models of common/model_types.h: d2l's dense models and its convolutional
// networks (chapters 7 and 8, NCHW), each as the book lists it with its width and depth from
// the config (common/model_types.cpp says what they count). The convolutional networks take
// [C, H, W] samples (Fashion-MNIST: [1, S, S] with S = dataset.input_size).
#pragma once

#include "common/trial_config.h"
#include "worker/layers/recurrent_layer.h"
#include "worker/model.h"

namespace hpsweep {

// softmax and linear: Flatten, Linear(inputs, outputs) (d2l 3.7; 3.3, 4.4, 4.5 for regression).
Model build_dense(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
// mlp: Flatten, depth x [Linear(., width), activation, Dropout(p)], Linear(width, outputs)
// (d2l 4.3 and 4.6). Dropout layers exist even when p = 0 so that parameter names do not
// depend on the dropout rate (init_from works across a dropout sweep).
Model build_mlp(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
// lenet: d2l 7.6, sigmoid and average pooling; lenet-bn: batch norm after every conv and
// hidden Linear, ReLU and max pooling (d2l 8.5).
Model build_lenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_lenet_bn(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_alexnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_vgg(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_nin(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_googlenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_resnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
Model build_densenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);
// rnn-lm: d2l's RNNModel (9.5, 9.6): token ids [T, B] (time-major, as floats), one-hot over the
// vocabulary or an Embedding(vocabulary, model.embedding), `depth` stacked cells
// (model.cell) of `width` with model.dropout between them, and a Linear(width, vocabulary) on
// every step: outputs [T * B, vocabulary]. Layers are named as the module's attributes
// ("embedding", "rnn", "linear"), so the state_dict is that of the same PyTorch class.
Model build_rnn_lm(const ModelConfig& config, const Shape& sample_shape, int64_t vocabulary);
// An rnn-lm's recurrent layer, whose state its callers carry or reset.
RecurrentLayer& rnn_lm_recurrent_layer(const Model& model);
// sequential: the network `model.layers` writes (common/layer_spec.h,
// worker/models/spec_network.cpp).
Model build_sequential(const ModelConfig& config, const Shape& sample_shape, int64_t outputs);

}  // namespace hpsweep
