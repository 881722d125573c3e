// Affine map kernels over raw row-major buffers: y[B, out] = x[B, in] w[out, in]^T + b[out].
// The weight is stored [out, in] as PyTorch's nn.Linear stores it.
#pragma once

#include <cstdint>

namespace hpsweep {

void dense_forward(const float* x, const float* w, const float* b, float* y, int64_t batch,
                   int64_t in, int64_t out);

// Writes (does not accumulate) dw[out, in] = dy^T x and db[out] = sum over rows of dy; writes
// dx[B, in] = dy w unless dx is null (the first layer needs no input gradient).
void dense_backward(const float* x, const float* w, const float* dy, float* dw, float* db,
                    float* dx, int64_t batch, int64_t in, int64_t out);

}  // namespace hpsweep
