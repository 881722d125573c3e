// Convolution lowered to GEMM: samples become [C*kh*kw, Ho*Wo] column matrices (im2col), a
// few small ones side by side, multiplied by the weight through BLIS; 1x1 convolutions with
// stride 1 and no padding use the input as it is. Same contract as conv2d.h; conv2d.cpp picks
// the lowering.
#pragma once

#include <cstdint>

#include "worker/kernels/conv2d.h"

namespace hpsweep {

int64_t conv2d_im2col_workspace_size(const Conv2dDims& d);

void conv2d_im2col_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                           float* y, float* workspace);

void conv2d_im2col_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                            float* dw, float* db, float* dx, float* workspace);

}  // namespace hpsweep
