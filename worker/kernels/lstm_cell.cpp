// nn.LSTM's cell, gates i, f, g, o: i, f, o = sigmoid, g = tanh of the summed projections;
// c = f * c_prev + i * g; h = o * tanh(c).
#include "worker/kernels/fast_math.h"
#include "worker/kernels/recurrent_cell.h"

namespace hpsweep {
namespace {

class LstmCell final : public RecurrentCell {
 public:
  int gate_count() const override { return 4; }
  bool has_cell_state() const override { return true; }
  bool separate_hidden_projection() const override { return false; }

  void forward(const CellForward& s) const override {
    const int64_t hidden = s.hidden;
    for (int64_t r = 0; r < s.batch; ++r) {
      float* i_gate = s.gates + r * 4 * hidden;
      float* f_gate = i_gate + hidden;
      float* g_gate = f_gate + hidden;
      float* o_gate = g_gate + hidden;
      const float* c_prev = s.c_prev + r * hidden;
      float* c = s.c + r * hidden;
      float* h = s.h + r * hidden;
#pragma omp simd
      for (int64_t j = 0; j < hidden; ++j) {
        const float i = sigmoid_poly(i_gate[j]), f = sigmoid_poly(f_gate[j]);
        const float g = tanh_poly(g_gate[j]), o = sigmoid_poly(o_gate[j]);
        i_gate[j] = i, f_gate[j] = f, g_gate[j] = g, o_gate[j] = o;
        c[j] = f * c_prev[j] + i * g;
        h[j] = o * tanh_poly(c[j]);
      }
    }
  }

  void backward(const CellBackward& s) const override {
    const int64_t hidden = s.hidden;
    for (int64_t r = 0; r < s.batch; ++r) {
      const int64_t row = r * hidden;
      const float* i_gate = s.gates + r * 4 * hidden;
      const float* f_gate = i_gate + hidden;
      const float* g_gate = f_gate + hidden;
      const float* o_gate = g_gate + hidden;
      float* di = s.d_gates + r * 4 * hidden;
      float* df = di + hidden;
      float* dg = df + hidden;
      float* d_o = dg + hidden;
#pragma omp simd
      for (int64_t j = 0; j < hidden; ++j) {
        const float i = i_gate[j], f = f_gate[j], g = g_gate[j], o = o_gate[j];
        const float tanh_c = tanh_poly(s.c[row + j]);  // recomputed: cheaper than storing it
        const float dh = s.dh[row + j];
        const float dc = s.dc[row + j] + dh * o * (1.0f - tanh_c * tanh_c);
        di[j] = dc * g * i * (1.0f - i);
        df[j] = dc * s.c_prev[row + j] * f * (1.0f - f);
        dg[j] = dc * i * (1.0f - g * g);
        d_o[j] = dh * tanh_c * o * (1.0f - o);
        s.dc[row + j] = dc * f;
        s.dh_prev[row + j] = 0.0f;
      }
    }
  }
};

}  // namespace

const RecurrentCell& lstm_cell() {
  static const LstmCell cell;
  return cell;
}

}  // namespace hpsweep
