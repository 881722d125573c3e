// Convolutions over maps of at most 4 pixels (the SSD's last scales: 2x2 and 1x1), lowered to
// one dense layer. There, most of a 3x3 window lies in the padding: a 1x1 map meets one tap of
// nine, a 2x2 map four per output. Writing the convolution as y[b] = W' x[b] with W' the
// [O*Ho*Wo, C*H*W] matrix of the taps that meet the map makes it one GEMM over the batch, with
// fewer multiplies than the taps and none of Winograd's or im2col's per-tile work. Same
// contract as conv2d.h; conv2d.cpp picks the lowering.
#pragma once

#include <cstdint>

#include "worker/kernels/conv2d.h"

namespace hpsweep {

// Maps of at most 4 pixels, with fewer pixels than the window has taps (so W' has fewer
// entries than the taps would multiply), and at most 4 output pixels.
bool conv2d_small_map_suits(const Conv2dDims& d);

int64_t conv2d_small_map_workspace_size(const Conv2dDims& d);

void conv2d_small_map_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                              float* y, float* workspace);

void conv2d_small_map_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                               float* dw, float* db, float* dx, float* workspace);

}  // namespace hpsweep
