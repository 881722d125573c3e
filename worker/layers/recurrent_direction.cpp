#include "worker/layers/recurrent_direction.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/blas.h"

namespace hpsweep {
namespace {

// out[cols] = the sum of the rows of m [rows, cols] (a bias gradient).
void sum_rows(const float* m, int64_t rows, int64_t cols, float* out) {
  std::fill(out, out + cols, 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = m + r * cols;
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) out[j] += row[j];
  }
}

// Every row of m [rows, cols] set to `row`.
void broadcast_row(const float* row, int64_t rows, int64_t cols, float* m) {
  for (int64_t r = 0; r < rows; ++r) std::copy(row, row + cols, m + r * cols);
}

void copy_or_zero(const float* from, Tensor& to, int64_t offset, int64_t count) {
  float* dst = to.data() + offset;
  if (from)
    std::copy(from, from + count, dst);
  else
    std::fill(dst, dst + count, 0.0f);
}

// Drawn as PyTorch draws every tensor of nn.RNN, nn.GRU and nn.LSTM: uniform(-1/sqrt(H),
// 1/sqrt(H)), the biases too.
Parameter parameter(const std::string& name, Shape shape, bool decay, int64_t hidden_size) {
  Parameter p{name, Tensor(shape), Tensor(shape), decay};
  p.uniform_bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  return p;
}

}  // namespace

RecurrentDirection::RecurrentDirection(CellKind kind, int64_t input_size, int64_t hidden_size,
                                       bool reverse, const std::string& suffix)
    : cell_(recurrent_cell(kind)),
      input_size_(input_size),
      hidden_size_(hidden_size),
      gates_width_(cell_.gate_count() * hidden_size),
      reverse_(reverse),
      weight_ih_(parameter("weight_ih" + suffix, {gates_width_, input_size}, true, hidden_size)),
      weight_hh_(parameter("weight_hh" + suffix, {gates_width_, hidden_size}, true, hidden_size)),
      bias_ih_(parameter("bias_ih" + suffix, {gates_width_}, false, hidden_size)),
      bias_hh_(parameter("bias_hh" + suffix, {gates_width_}, false, hidden_size)) {}

Tensor RecurrentDirection::output() const {
  return reverse_ ? hidden_.rows(0, steps_) : hidden_.rows(1, steps_ + 1);
}

const float* RecurrentDirection::final_h() const {
  return state_row(hidden_, reverse_ ? 0 : steps_);
}

const float* RecurrentDirection::final_c() const {
  return state_row(cell_state_, reverse_ ? 0 : steps_);
}

void RecurrentDirection::forward(const Tensor& x, const float* h0, const float* c0) {
  steps_ = x.dim(0);
  batch_ = x.dim(1);
  input_ = x;
  const int64_t rows = steps_ * batch_, hidden = hidden_size_, width = gates_width_;
  const int64_t state_size = batch_ * hidden;
  const bool separate = cell_.separate_hidden_projection();
  const bool has_cell = cell_.has_cell_state();

  // All steps' input projections in one GEMM, added to the biases: both of them unless h's
  // projection is kept apart (GRU), whose bias then goes with it.
  gates_.resize({steps_, batch_, width});
  float* gates = gates_.data();
  for (int64_t j = 0; j < width; ++j)
    gates[j] = bias_ih_.value[j] + (separate ? 0.0f : bias_hh_.value[j]);
  broadcast_row(gates, rows - 1, width, gates + width);
  gemm(Transpose::no, Transpose::yes, rows, width, input_size_, 1.0f, x.data(), input_size_,
       weight_ih_.value.data(), input_size_, 1.0f, gates, width);

  const int64_t first_row = reverse_ ? steps_ : 0;
  hidden_.resize({steps_ + 1, batch_, hidden});
  copy_or_zero(h0, hidden_, first_row * state_size, state_size);
  if (has_cell) {
    cell_state_.resize({steps_ + 1, batch_, hidden});
    copy_or_zero(c0, cell_state_, first_row * state_size, state_size);
  }
  if (separate) hidden_projection_.resize({steps_, batch_, width});

  for (int64_t s = 0; s < steps_; ++s) {
    const int64_t t = reverse_ ? steps_ - 1 - s : s;
    float* step_gates = gates + t * batch_ * width;
    const float* h_prev = state_row(hidden_, previous_row(t));
    float* projection = step_gates;  // RNN, LSTM: h W_hh^T adds into the gates
    if (separate) {
      projection = hidden_projection_.data() + t * batch_ * width;
      broadcast_row(bias_hh_.value.data(), batch_, width, projection);
    }
    gemm(Transpose::no, Transpose::yes, batch_, width, hidden, 1.0f, h_prev, hidden,
         weight_hh_.value.data(), hidden, 1.0f, projection, width);
    cell_.forward({batch_, hidden, step_gates, separate ? projection : nullptr, h_prev,
                   has_cell ? state_row(cell_state_, previous_row(t)) : nullptr,
                   state_row(hidden_, current_row(t)),
                   has_cell ? state_row(cell_state_, current_row(t)) : nullptr});
  }
}

void RecurrentDirection::backward(const float* dy, int64_t dy_stride, const float* dh_final,
                                  const float* dc_final, float* dx, bool accumulate_dx) {
  const int64_t rows = steps_ * batch_, hidden = hidden_size_, width = gates_width_;
  const int64_t state_size = batch_ * hidden;
  const bool separate = cell_.separate_hidden_projection();
  const bool has_cell = cell_.has_cell_state();

  d_gates_.resize({steps_, batch_, width});
  if (separate) d_hidden_projection_.resize({steps_, batch_, width});
  dh_.resize({batch_, hidden});
  dh_prev_.resize({batch_, hidden});
  copy_or_zero(dh_final, dh_, 0, state_size);
  if (has_cell) {
    dc_.resize({batch_, hidden});
    copy_or_zero(dc_final, dc_, 0, state_size);
  } else {
    dc_ = Tensor();
  }

  for (int64_t s = steps_ - 1; s >= 0; --s) {
    const int64_t t = reverse_ ? steps_ - 1 - s : s;
    float* dh = dh_.data();
    for (int64_t b = 0; b < batch_; ++b) {
      const float* dy_row = dy + (t * batch_ + b) * dy_stride;
#pragma omp simd
      for (int64_t j = 0; j < hidden; ++j) dh[b * hidden + j] += dy_row[j];
    }
    const int64_t gate_offset = t * batch_ * width;
    float* d_step_gates = d_gates_.data() + gate_offset;
    float* d_projection = separate ? d_hidden_projection_.data() + gate_offset : d_step_gates;
    cell_.backward({batch_, hidden, gates_.data() + gate_offset,
                    separate ? hidden_projection_.data() + gate_offset : nullptr,
                    state_row(hidden_, previous_row(t)),
                    has_cell ? state_row(cell_state_, previous_row(t)) : nullptr,
                    state_row(hidden_, current_row(t)),
                    has_cell ? state_row(cell_state_, current_row(t)) : nullptr, dh,
                    has_cell ? dc_.data() : nullptr, d_step_gates,
                    separate ? d_projection : nullptr, dh_prev_.data()});
    gemm(Transpose::no, Transpose::no, batch_, hidden, width, 1.0f, d_projection, width,
         weight_hh_.value.data(), hidden, 1.0f, dh_prev_.data(), hidden);
    std::swap(dh_, dh_prev_);
  }

  // Weight and bias gradients over all steps at once. The previous states of all steps are
  // one block of hidden_ (see previous_row).
  const float* d_gates = d_gates_.data();
  const float* d_projections = separate ? d_hidden_projection_.data() : d_gates;
  gemm(Transpose::yes, Transpose::no, width, input_size_, rows, 1.0f, d_gates, width, input_.data(),
       input_size_, 0.0f, weight_ih_.grad.data(), input_size_);
  gemm(Transpose::yes, Transpose::no, width, hidden, rows, 1.0f, d_projections, width,
       state_row(hidden_, reverse_ ? 1 : 0), hidden, 0.0f, weight_hh_.grad.data(), hidden);
  sum_rows(d_gates, rows, width, bias_ih_.grad.data());
  if (separate)
    sum_rows(d_projections, rows, width, bias_hh_.grad.data());
  else
    std::copy(bias_ih_.grad.data(), bias_ih_.grad.data() + width, bias_hh_.grad.data());
  if (dx)
    gemm(Transpose::no, Transpose::no, rows, input_size_, width, 1.0f, d_gates, width,
         weight_ih_.value.data(), input_size_, accumulate_dx ? 1.0f : 0.0f, dx, input_size_);
}

}  // namespace hpsweep
