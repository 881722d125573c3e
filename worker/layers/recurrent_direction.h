// One layer of a recurrent network in one direction: its four parameters and the time loop
// shared by every cell (worker/kernels/recurrent_cell.h). Forward makes the input projections
// of all steps in one GEMM, [T*B, in] x W_ih^T, then one [B, H] x W_hh^T GEMM per step;
// backward runs the steps in reverse with one [B, gates*H] x W_hh GEMM per step and forms
// the weight and input gradients with one GEMM each over all T*B rows.
#pragma once

#include <string>

#include "common/tensor.h"
#include "worker/kernels/recurrent_cell.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class RecurrentDirection {
 public:
  // suffix: "_l0", "_l1_reverse", ... as PyTorch names the parameters.
  RecurrentDirection(CellKind kind, int64_t input_size, int64_t hidden_size, bool reverse,
                     const std::string& suffix);

  // x [T, B, in]; h0 (c0) [B, H], null for zeros. The hidden states stay in this object:
  // output() and final_h() / final_c() view them until the next forward.
  void forward(const Tensor& x, const float* h0, const float* c0);
  Tensor output() const;  // [T, B, H]
  const float* final_h() const;
  const float* final_c() const;  // LSTM only

  // dy: dL/d output at row stride dy_stride (a bidirectional layer's columns of its own
  // output); dh_final / dc_final: dL/d final state, null for none. Writes the parameter
  // gradients and dL/dh0 (dL/dc0) into initial_h_grad() (initial_c_grad()); when dx is not
  // null, adds dL/dx [T, B, in] into it if accumulate_dx, else writes it.
  void backward(const float* dy, int64_t dy_stride, const float* dh_final, const float* dc_final,
                float* dx, bool accumulate_dx);
  const Tensor& initial_h_grad() const { return dh_; }
  const Tensor& initial_c_grad() const { return dc_; }

  // weight_ih, weight_hh, bias_ih, bias_hh: PyTorch's order within a layer and direction.
  std::vector<Parameter*> parameters() { return {&weight_ih_, &weight_hh_, &bias_ih_, &bias_hh_}; }

 private:
  // Rows of the per-step hidden states (hidden_ is [T + 1, B, H]) read and written at time t.
  // Forward keeps h_t at row t + 1 and h0 at row 0, reverse h_t at row t and h0 at row T, so
  // the outputs and the previous states of all steps are each one contiguous block.
  int64_t previous_row(int64_t t) const { return reverse_ ? t + 1 : t; }
  int64_t current_row(int64_t t) const { return reverse_ ? t : t + 1; }
  float* state_row(Tensor& states, int64_t row) const {
    return states.data() + row * batch_ * hidden_size_;
  }
  const float* state_row(const Tensor& states, int64_t row) const {
    return states.data() + row * batch_ * hidden_size_;
  }

  const RecurrentCell& cell_;
  int64_t input_size_, hidden_size_, gates_width_;
  bool reverse_;
  Parameter weight_ih_, weight_hh_, bias_ih_, bias_hh_;

  int64_t steps_ = 0, batch_ = 0;
  Tensor input_;                          // view of the last input
  Tensor gates_;                          // [T, B, gates*H]: activations saved by the cell
  Tensor hidden_projection_;              // GRU: [T, B, gates*H]
  Tensor hidden_, cell_state_;            // [T + 1, B, H]
  Tensor d_gates_, d_hidden_projection_;  // [T, B, gates*H]
  Tensor dh_, dh_prev_, dc_;              // [B, H] carries through time
};

}  // namespace hpsweep
