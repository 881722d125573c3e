// PyTorch's nn.RNN (tanh), nn.GRU and nn.LSTM with batch_first=False: input [T, B, in],
// output [T, B, directions * H], the top layer's hidden state at every step. Parameters are
// PyTorch's, in its order: per layer k and direction, weight_ih_l{k}[_reverse]
// [gates*H, in_k], weight_hh_l{k} [gates*H, H], bias_ih_l{k} [gates*H], bias_hh_l{k}, where
// in_0 = input size and in_k = directions * H above. Between stacked layers, in training,
// dropout with probability `dropout` (PyTorch's argument), its mask a function of the seed,
// the epoch, the layer, the step and each sequence's sample id (context.sample_ids holds B).
//
// States, PyTorch's h_n (and c_n) [layers * directions, B, H]: forward starts from the
// initial state set (zeros when none) and leaves the last step's in final_state(). Truncated
// backpropagation through time: backward yields dL/d initial state, which goes no further;
// a caller carrying the state over to the next minibatch detaches it by copying
// final_state() into set_initial_state().
#pragma once

#include <memory>
#include <vector>

#include "worker/kernels/recurrent_cell.h"
#include "worker/layers/layer.h"
#include "worker/layers/recurrent_direction.h"

namespace hpsweep {

struct RecurrentConfig {
  CellKind cell = CellKind::lstm;
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  double dropout = 0.0;  // between stacked layers, in training
  bool bidirectional = false;
};

// h [layers * directions, B, H]; c likewise for LSTM, empty otherwise. Empty h: zeros.
struct RecurrentState {
  Tensor h, c;
  RecurrentState clone() const {
    return {h.empty() ? Tensor() : h.clone(), c.empty() ? Tensor() : c.clone()};
  }
};

class RecurrentLayer : public Layer {
 public:
  explicit RecurrentLayer(const RecurrentConfig& config);
  std::string kind() const override;  // "RNN", "GRU", "LSTM"
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  // Also given dL/d final state (an encoder whose state starts a decoder); empty tensors: 0.
  const Tensor& backward(const Tensor& dy, const RecurrentState& final_state_grad,
                         bool need_input_grad);
  std::vector<Parameter*> parameters() override;

  const RecurrentConfig& config() const { return config_; }
  int64_t directions() const { return config_.bidirectional ? 2 : 1; }
  // The state the next forward passes start from; checked against its batch there.
  void set_initial_state(RecurrentState state) { initial_ = std::move(state); }
  const RecurrentState& initial_state() const { return initial_; }
  const RecurrentState& final_state() const { return final_; }
  // dL/d initial state after backward (also when the initial state was zeros).
  const RecurrentState& initial_state_grad() const { return initial_grad_; }

 private:
  bool has_cell_state() const { return config_.cell == CellKind::lstm; }
  RecurrentDirection& direction(int64_t layer, int64_t d) {
    return *directions_[layer * directions() + d];
  }
  void check_state(const RecurrentState& state, int64_t batch, const char* what) const;
  void apply_dropout(int64_t layer, const BatchContext& context);
  std::string describe() const;  // PyTorch's repr: "LSTM(28, 256, num_layers=2)"

  RecurrentConfig config_;
  std::vector<std::unique_ptr<RecurrentDirection>> directions_;  // by layer, then direction
  RecurrentState initial_, final_, initial_grad_;
  bool dropout_active_ = false;
  Tensor input_;  // view of the last input
  // Per layer: its output (a view of the direction's states when unidirectional); for all but
  // the top, in training with dropout, the next layer's input and the mask that made it.
  std::vector<Tensor> outputs_, dropped_, masks_;
  Tensor between_grads_[2];  // dL/d a layer's input, alternately, going down the stack
  Tensor input_grad_;
};

}  // namespace hpsweep
