// nn.RNN's tanh cell: h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh).
#include "worker/kernels/fast_math.h"
#include "worker/kernels/recurrent_cell.h"

namespace hpsweep {
namespace {

class RnnTanhCell final : public RecurrentCell {
 public:
  int gate_count() const override { return 1; }
  bool has_cell_state() const override { return false; }
  bool separate_hidden_projection() const override { return false; }

  void forward(const CellForward& s) const override {
    const int64_t n = s.batch * s.hidden;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) s.h[i] = tanh_poly(s.gates[i]);
  }

  void backward(const CellBackward& s) const override {
    const int64_t n = s.batch * s.hidden;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) {
      s.d_gates[i] = s.dh[i] * (1.0f - s.h[i] * s.h[i]);
      s.dh_prev[i] = 0.0f;
    }
  }
};

}  // namespace

const RecurrentCell& rnn_tanh_cell() {
  static const RnnTanhCell cell;
  return cell;
}

}  // namespace hpsweep
