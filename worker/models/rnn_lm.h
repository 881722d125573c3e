// rnn-lm's builder (common/models/rnn_lm.cpp has its registry entry): d2l's RNNModel (9.5,
// 9.6). Token ids [T, B] (time-major, as floats), one-hot over the vocabulary or an
// Embedding(vocabulary, model.embedding), `depth` stacked cells (model.cell) of `width` with
// model.dropout between them, and a Linear(width, vocabulary) on every step: outputs
// [T * B, vocabulary]. Layers are named as the module's attributes ("embedding", "rnn",
// "linear"), so the state_dict is that of the same PyTorch class.
#pragma once

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/layers/recurrent_layer.h"
#include "worker/model.h"

namespace hpsweep {

Model build_rnn_lm(const ModelConfig& config, const Shape& sample_shape, int64_t vocabulary);
// An rnn-lm's recurrent layer, whose state its callers carry or reset.
RecurrentLayer& rnn_lm_recurrent_layer(const Model& model);

}  // namespace hpsweep
