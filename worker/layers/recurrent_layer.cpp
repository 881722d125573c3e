#include "worker/layers/recurrent_layer.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "common/rng.h"
#include "worker/kernels/dropout.h"

namespace hpsweep {
namespace {

constexpr uint64_t kRecurrentDropoutStream = 0x72646f70;  // "rdop"

// Copies `count` floats per row of `from` [rows, count] to the columns [column, column +
// count) of `to` [rows, stride], or back (a bidirectional layer's halves).
void copy_columns(const float* from, int64_t from_stride, float* to, int64_t to_stride,
                  int64_t rows, int64_t count) {
  for (int64_t r = 0; r < rows; ++r)
    std::copy(from + r * from_stride, from + r * from_stride + count, to + r * to_stride);
}

}  // namespace

RecurrentLayer::RecurrentLayer(const RecurrentConfig& config) : config_(config) {
  if (config.input_size < 1 || config.hidden_size < 1 || config.num_layers < 1)
    throw std::invalid_argument(describe() + ": sizes and num_layers must be positive");
  if (config.dropout < 0.0 || config.dropout >= 1.0)
    throw std::invalid_argument(describe() + ": dropout must lie in [0, 1)");
  for (int64_t layer = 0; layer < config.num_layers; ++layer) {
    const int64_t in = layer == 0 ? config.input_size : directions() * config.hidden_size;
    for (int64_t d = 0; d < directions(); ++d)
      directions_.push_back(std::make_unique<RecurrentDirection>(
          config.cell, in, config.hidden_size, d == 1,
          "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "")));
  }
  outputs_.resize(config.num_layers);
  dropped_.resize(config.num_layers);
  masks_.resize(config.num_layers);
}

std::string RecurrentLayer::kind() const {
  switch (config_.cell) {
    case CellKind::rnn_tanh:
      return "RNN";
    case CellKind::gru:
      return "GRU";
    case CellKind::lstm:
      break;
  }
  return "LSTM";
}

std::string RecurrentLayer::describe() const {
  std::ostringstream s;
  s << kind() << '(' << config_.input_size << ", " << config_.hidden_size;
  if (config_.num_layers != 1) s << ", num_layers=" << config_.num_layers;
  if (config_.dropout != 0.0) s << ", dropout=" << config_.dropout;
  if (config_.bidirectional) s << ", bidirectional=True";
  s << ')';
  return s.str();
}

std::vector<Parameter*> RecurrentLayer::parameters() {
  std::vector<Parameter*> all;
  for (auto& direction : directions_)
    for (Parameter* p : direction->parameters()) all.push_back(p);
  return all;
}

Shape RecurrentLayer::output_shape(const Shape& input) const {
  if (input.size() != 3 || input[2] != config_.input_size || input[0] < 1 || input[1] < 1)
    throw std::invalid_argument(describe() + " got input " + shape_string(input) +
                                ": expected [steps, batch, " + std::to_string(config_.input_size) +
                                "]");
  return {input[0], input[1], directions() * config_.hidden_size};
}

void RecurrentLayer::check_state(const RecurrentState& state, int64_t batch,
                                 const char* what) const {
  const Shape expected = {config_.num_layers * directions(), batch, config_.hidden_size};
  auto check = [&](const Tensor& t, const char* name) {
    if (t.shape() != expected)
      throw std::invalid_argument(describe() + ": expected " + what + " " + name + " " +
                                  shape_string(expected) + ", got " + shape_string(t.shape()));
  };
  if (state.h.empty() && state.c.empty()) return;
  check(state.h, "h");
  if (has_cell_state())
    check(state.c, "c");
  else if (!state.c.empty())
    throw std::invalid_argument(describe() + ": " + what + " has a cell state");
}

void RecurrentLayer::apply_dropout(int64_t layer, const BatchContext& context) {
  const Tensor& output = outputs_[layer];
  const int64_t steps = output.dim(0), batch = output.dim(1), features = output.dim(2);
  masks_[layer].resize(output.shape());
  dropped_[layer].resize(output.shape());
  for (int64_t t = 0; t < steps; ++t) {
    const uint64_t key =
        counter_hash({context.seed, kRecurrentDropoutStream, static_cast<uint64_t>(index()),
                      static_cast<uint64_t>(context.epoch), static_cast<uint64_t>(layer),
                      static_cast<uint64_t>(t)});
    dropout_make_mask(key, context.sample_ids, batch, features, config_.dropout,
                      masks_[layer].data() + t * batch * features);
  }
  dropout_apply(output.data(), masks_[layer].data(), dropped_[layer].data(), output.size());
}

const Tensor& RecurrentLayer::forward(const Tensor& x, const BatchContext& context) {
  output_shape(x.shape());
  const int64_t steps = x.dim(0), batch = x.dim(1), hidden = config_.hidden_size;
  const int64_t state_size = batch * hidden;
  check_state(initial_, batch, "initial state");
  dropout_active_ = context.mode == Mode::train && config_.dropout > 0.0 && config_.num_layers > 1;
  if (dropout_active_ && !context.sample_ids)
    throw std::logic_error(describe() + ": dropout in training needs sample ids");

  input_ = x;
  final_.h.resize({config_.num_layers * directions(), batch, hidden});
  if (has_cell_state()) final_.c.resize(final_.h.shape());
  Tensor input = x;
  for (int64_t layer = 0; layer < config_.num_layers; ++layer) {
    for (int64_t d = 0; d < directions(); ++d) {
      RecurrentDirection& dir = direction(layer, d);
      const int64_t offset = (layer * directions() + d) * state_size;
      dir.forward(input, initial_.h.empty() ? nullptr : initial_.h.data() + offset,
                  initial_.c.empty() ? nullptr : initial_.c.data() + offset);
      std::copy(dir.final_h(), dir.final_h() + state_size, final_.h.data() + offset);
      if (has_cell_state())
        std::copy(dir.final_c(), dir.final_c() + state_size, final_.c.data() + offset);
    }
    if (directions() == 1) {
      outputs_[layer] = direction(layer, 0).output();
    } else {  // PyTorch concatenates the directions' outputs on features
      outputs_[layer].resize({steps, batch, 2 * hidden});
      for (int64_t d = 0; d < 2; ++d)
        copy_columns(direction(layer, d).output().data(), hidden,
                     outputs_[layer].data() + d * hidden, 2 * hidden, steps * batch, hidden);
    }
    if (layer + 1 < config_.num_layers) {
      if (dropout_active_) apply_dropout(layer, context);
      input = dropout_active_ ? dropped_[layer] : outputs_[layer];
    }
  }
  return outputs_.back();
}

const Tensor& RecurrentLayer::backward(const Tensor& dy, bool need_input_grad) {
  return backward(dy, RecurrentState{}, need_input_grad);
}

const Tensor& RecurrentLayer::backward(const Tensor& dy, const RecurrentState& final_state_grad,
                                       bool need_input_grad) {
  const Shape output_shape = outputs_.back().shape();
  if (dy.shape() != output_shape)
    throw std::invalid_argument(describe() + ": output gradient " + shape_string(dy.shape()) +
                                " for output " + shape_string(output_shape));
  const int64_t batch = dy.dim(1), hidden = config_.hidden_size, width = dy.dim(2);
  const int64_t state_size = batch * hidden;
  check_state(final_state_grad, batch, "final state gradient");
  initial_grad_.h.resize(final_.h.shape());
  if (has_cell_state()) initial_grad_.c.resize(final_.h.shape());

  Tensor grad = dy;  // dL/d the current layer's output
  for (int64_t layer = config_.num_layers - 1; layer >= 0; --layer) {
    Tensor* input_grad = nullptr;
    if (layer > 0) {
      input_grad = &between_grads_[layer % 2];
      input_grad->resize(outputs_[layer - 1].shape());
    } else if (need_input_grad) {
      input_grad = &input_grad_;
      input_grad->resize(input_.shape());
    }
    for (int64_t d = 0; d < directions(); ++d) {
      RecurrentDirection& dir = direction(layer, d);
      const int64_t offset = (layer * directions() + d) * state_size;
      const Tensor& dh_final = final_state_grad.h;
      const Tensor& dc_final = final_state_grad.c;
      dir.backward(grad.data() + d * hidden, width,
                   dh_final.empty() ? nullptr : dh_final.data() + offset,
                   dc_final.empty() ? nullptr : dc_final.data() + offset,
                   input_grad ? input_grad->data() : nullptr, /*accumulate_dx=*/d == 1);
      const float* dh0 = dir.initial_h_grad().data();
      std::copy(dh0, dh0 + state_size, initial_grad_.h.data() + offset);
      if (has_cell_state()) {
        const float* dc0 = dir.initial_c_grad().data();
        std::copy(dc0, dc0 + state_size, initial_grad_.c.data() + offset);
      }
    }
    if (layer > 0) {
      if (dropout_active_)
        dropout_apply(input_grad->data(), masks_[layer - 1].data(), input_grad->data(),
                      input_grad->size());
      grad = *input_grad;
    }
  }
  if (!need_input_grad) input_grad_ = Tensor();
  return input_grad_;
}

}  // namespace hpsweep
