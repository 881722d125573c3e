// 2-D pooling over raw buffers of `planes` independent [H, W] planes (B*C for NCHW), with
// PyTorch's semantics: max pooling treats padding as -inf, average pooling counts padding
// zeros in the divisor (count_include_pad=True), global average pooling is
// nn.AdaptiveAvgPool2d((1, 1)). Outputs are [planes, Ho, Wo] (Window2d's floor rule).
#pragma once

#include <cstdint>

#include "worker/kernels/window2d.h"

namespace hpsweep {

struct Pool2dDims {
  int64_t planes, height, width;
  Window2d window;
};

// Also records in argmax, per output, the index within its input plane of the maximum (the
// first one on ties, as PyTorch), which the backward pass routes the gradient to.
void max_pool2d_forward(const Pool2dDims& d, const float* x, float* y, int32_t* argmax);
void max_pool2d_backward(const Pool2dDims& d, const int32_t* argmax, const float* dy, float* dx);

void avg_pool2d_forward(const Pool2dDims& d, const float* x, float* y);
void avg_pool2d_backward(const Pool2dDims& d, const float* dy, float* dx);

// y[p] = mean of plane p of x, where a plane has `size` elements.
void global_avg_pool2d_forward(int64_t planes, int64_t size, const float* x, float* y);
void global_avg_pool2d_backward(int64_t planes, int64_t size, const float* dy, float* dx);

}  // namespace hpsweep
