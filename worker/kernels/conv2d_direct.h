// Direct 2-D convolution for stride-1 convolutions with few output channels (LeNet's), where
// im2col + GEMM spends most of its time building column matrices rather than multiplying:
// LeNet's convolutions took 14.5 ms of a 19.4 ms training step that way, BLIS's share of it
// under half. Same contract as conv2d.h; conv2d.cpp picks the lowering.
//
// The trick that makes every operation a plain vector loop: with the input zero-padded into
// planes of row stride Wp = W + 2pw, output (oh, ow) of tap (ki, kj) reads padded element
// q + ki*Wp + kj, where q = oh*Wp + ow. Over the "extended" output positions q in
// [0, Ho*Wp), a convolution is a sum of shifted copies of the flat input planes, 8 positions
// per vector; the positions with ow >= Wo are computed and dropped (forward) or held at zero
// (backward). The weight gradient correlates the extended output gradient with the same
// shifted planes, the input gradient adds shifted copies of it back into padded planes.
#pragma once

#include <cstdint>

#include "worker/kernels/conv2d.h"

namespace hpsweep {

// Stride 1 and at most 16 output channels (32 from fewer than 32 inputs with AVX-512): there
// the direct kernels beat im2col + BLIS (bench_kernels BM_Conv2dStep, BM_SsdConvLowering);
// wider layers give GEMM or Winograd the reuse they need.
bool conv2d_direct_suits(const Conv2dDims& d);

int64_t conv2d_direct_workspace_size(const Conv2dDims& d);

void conv2d_direct_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                           float* y, float* workspace);

// Writes (does not accumulate) dw and db; writes dx unless it is null.
void conv2d_direct_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                            float* dw, float* db, float* dx, float* workspace);

}  // namespace hpsweep
