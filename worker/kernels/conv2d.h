// 2-D convolution (cross-correlation, PyTorch nn.Conv2d without dilation or groups) over raw
// NCHW buffers: x [B, C, H, W], weight [O, C, kh, kw], bias [O], y [B, O, Ho, Wo]. Four
// lowerings, picked by shape (conv2d.cpp): one dense layer for maps of a few pixels
// (conv2d_small_map.h: the SSD's last scales), direct vector kernels for stride-1
// convolutions with few output channels (conv2d_direct.h: LeNet), Winograd F(2x2, 3x3) for
// wider 3x3 stride-1 ones (conv2d_winograd.h: ResNet, VGG, the SSD; it takes the 16-channel
// ones too where its products run on AVX-512), im2col + BLIS GEMM for the rest
// (conv2d_im2col.h).
#pragma once

#include <cstdint>

#include "worker/kernels/window2d.h"

namespace hpsweep {

struct Conv2dDims {
  int64_t batch, in_channels, height, width, out_channels;
  Window2d window;
};

// Floats of scratch space conv2d_forward and conv2d_backward need (may be 0). Its contents
// are not kept between calls.
int64_t conv2d_workspace_size(const Conv2dDims& d);

void conv2d_forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
                    float* workspace);

// Writes (does not accumulate) dw and db; writes dx unless it is null.
void conv2d_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                     float* dw, float* db, float* dx, float* workspace);

}  // namespace hpsweep
