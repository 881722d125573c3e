// d2l's RNNModel (9.5, 9.6) as `rnn-lm`: width is the hidden size, depth the stacked recurrent
// layers (the book's one layer of 256). Its recurrent layers have no layer kind yet, so it is
// not written as a layer list: its count is here, its builder worker/models/rnn_lm.cpp.
#include "common/models/zoo_types.h"

namespace hpsweep {
namespace {

// The input (an embedding, or none for one-hot), `depth` stacked cells of `width` (PyTorch's
// four tensors per layer) and a Linear(width, vocabulary); outputs is the vocabulary.
double rnn_lm_parameters(const ModelConfig& config, int64_t outputs) {
  const double gates = config.cell == "lstm" ? 4 : config.cell == "gru" ? 3 : 1;
  const double hidden = static_cast<double>(config.width);
  const double vocabulary = static_cast<double>(outputs);
  const double embedding = static_cast<double>(config.embedding);
  const double input = embedding > 0 ? embedding : vocabulary;
  double total = embedding * vocabulary + (hidden + 1) * vocabulary;
  for (int64_t layer = 0; layer < config.depth; ++layer)
    total += gates * hidden * ((layer == 0 ? input : hidden) + hidden + 2);
  return total;
}

}  // namespace

ModelType rnn_lm_model_type() {
  return {.name = kRnnLmType,
          .width = 256,
          .depth = 1,
          .needs_tokens = true,
          .count_parameters = rnn_lm_parameters};
}

}  // namespace hpsweep
