#include "worker/kernels/dense.h"

#include <algorithm>

#include "common/blas.h"

namespace hpsweep {

void dense_forward(const float* x, const float* w, const float* b, float* y, int64_t batch,
                   int64_t in, int64_t out) {
  // Seed y with the bias and let the GEMM add into it (beta = 1): no separate bias pass.
  for (int64_t r = 0; r < batch; ++r) std::copy(b, b + out, y + r * out);
  gemm(Transpose::no, Transpose::yes, batch, out, in, 1.0f, x, in, w, in, 1.0f, y, out);
}

void dense_backward(const float* x, const float* w, const float* dy, float* dw, float* db,
                    float* dx, int64_t batch, int64_t in, int64_t out) {
  gemm(Transpose::yes, Transpose::no, out, in, batch, 1.0f, dy, out, x, in, 0.0f, dw, in);
  std::fill(db, db + out, 0.0f);
  for (int64_t r = 0; r < batch; ++r) {
    const float* row = dy + r * out;
    for (int64_t j = 0; j < out; ++j) db[j] += row[j];
  }
  if (dx) gemm(Transpose::no, Transpose::no, batch, in, out, 1.0f, dy, out, w, in, 0.0f, dx, in);
}

}  // namespace hpsweep
