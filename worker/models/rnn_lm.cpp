#include "worker/models/rnn_lm.h"

#include <cmath>
#include <stdexcept>

#include "common/error.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/embedding_layer.h"
#include "worker/layers/one_hot_layer.h"
#include "worker/layers/recurrent_layer.h"
#include "worker/layers/step_rows_layer.h"

namespace hpsweep {
namespace {

CellKind cell_named(const std::string& name) {
  if (name == "rnn") return CellKind::rnn_tanh;
  if (name == "gru") return CellKind::gru;
  if (name == "lstm") return CellKind::lstm;
  throw std::invalid_argument("model.cell: unknown cell '" + name + "'");
}

}  // namespace

Model build_rnn_lm(const ModelConfig& config, const Shape&, int64_t vocabulary) {
  if (config.depth < 1)
    throw UserError("model.depth: rnn-lm needs at least one recurrent layer, got " +
                    std::to_string(config.depth));
  Model model;
  int64_t input_size = vocabulary;
  if (config.embedding > 0) {
    model.add(std::make_unique<EmbeddingLayer>(vocabulary, config.embedding), "embedding");
    input_size = config.embedding;
  } else {
    model.add(std::make_unique<OneHotLayer>(vocabulary), "one_hot");
  }
  const RecurrentConfig rnn{.cell = cell_named(config.cell),
                            .input_size = input_size,
                            .hidden_size = config.width,
                            .num_layers = config.depth,
                            .dropout = config.dropout};
  model.add(std::make_unique<RecurrentLayer>(rnn), "rnn");
  model.add(std::make_unique<StepRowsLayer>(), "steps");
  auto linear = std::make_unique<DenseLayer>(config.width, vocabulary);
  // d2l's RNNModel keeps nn.Linear's own init, weight and bias uniform within 1/sqrt(width),
  // whatever model.init says (as the recurrent layers keep PyTorch's).
  for (Parameter* p : linear->parameters())
    p->uniform_bound = 1.0 / std::sqrt(static_cast<double>(config.width));
  model.add(std::move(linear), "linear");
  model.pack_gradients();
  return model;
}

RecurrentLayer& rnn_lm_recurrent_layer(const Model& model) {
  for (const auto& layer : model.layers())
    if (auto* rnn = dynamic_cast<RecurrentLayer*>(layer.get())) return *rnn;
  throw std::logic_error("not a language model: no recurrent layer");
}

}  // namespace hpsweep
