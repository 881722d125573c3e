// nn.GRU's cell, gates r, z, n, with PyTorch's placement of the reset gate (after the hidden
// projection, not before it as in the original paper and d2l's from-scratch code):
//   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
//   z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
//   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
//   h' = (1 - z) * n + z * h
#include "worker/kernels/fast_math.h"
#include "worker/kernels/recurrent_cell.h"

namespace hpsweep {
namespace {

class GruCell final : public RecurrentCell {
 public:
  int gate_count() const override { return 3; }
  bool has_cell_state() const override { return false; }
  bool separate_hidden_projection() const override { return true; }

  void forward(const CellForward& s) const override {
    const int64_t hidden = s.hidden;
    for (int64_t b = 0; b < s.batch; ++b) {
      float* r_gate = s.gates + b * 3 * hidden;
      float* z_gate = r_gate + hidden;
      float* n_gate = z_gate + hidden;
      const float* hr = s.hidden_projection + b * 3 * hidden;
      const float* hz = hr + hidden;
      const float* hn = hz + hidden;
      const float* h_prev = s.h_prev + b * hidden;
      float* h = s.h + b * hidden;
#pragma omp simd
      for (int64_t j = 0; j < hidden; ++j) {
        const float r = sigmoid_poly(r_gate[j] + hr[j]);
        const float z = sigmoid_poly(z_gate[j] + hz[j]);
        const float n = tanh_poly(n_gate[j] + r * hn[j]);
        r_gate[j] = r, z_gate[j] = z, n_gate[j] = n;
        h[j] = n + z * (h_prev[j] - n);
      }
    }
  }

  void backward(const CellBackward& s) const override {
    const int64_t hidden = s.hidden;
    for (int64_t b = 0; b < s.batch; ++b) {
      const int64_t row = b * hidden;
      const float* r_gate = s.gates + b * 3 * hidden;
      const float* z_gate = r_gate + hidden;
      const float* n_gate = z_gate + hidden;
      const float* hn = s.hidden_projection + b * 3 * hidden + 2 * hidden;
      float* dxr = s.d_gates + b * 3 * hidden;
      float* dxz = dxr + hidden;
      float* dxn = dxz + hidden;
      float* dhr = s.d_hidden_projection + b * 3 * hidden;
      float* dhz = dhr + hidden;
      float* dhn = dhz + hidden;
#pragma omp simd
      for (int64_t j = 0; j < hidden; ++j) {
        const float r = r_gate[j], z = z_gate[j], n = n_gate[j];
        const float dh = s.dh[row + j];
        const float dn = dh * (1.0f - z) * (1.0f - n * n);
        const float dz = dh * (s.h_prev[row + j] - n) * z * (1.0f - z);
        const float dr = dn * hn[j] * r * (1.0f - r);
        dxr[j] = dr, dxz[j] = dz, dxn[j] = dn;
        dhr[j] = dr, dhz[j] = dz, dhn[j] = dn * r;
        s.dh_prev[row + j] = dh * z;
      }
    }
  }
};

}  // namespace

const RecurrentCell& gru_cell() {
  static const GruCell cell;
  return cell;
}

}  // namespace hpsweep
