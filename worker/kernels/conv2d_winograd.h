// Winograd F(2x2, 3x3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016) for 3x3 stride-1 convolutions with many channels: ResNet's, VGG's. Each
// 2x2 output tile of a channel pair is computed from its 4x4 input tile with 16 products
// instead of 36, so the multiplications (and BLIS's time, which is most of a ResNet step) drop
// by 2.25x; the cost is the tile transforms, which are adds and take memory passes.
//
// In the transformed domain, every one of the 16 points xi of a tile is an independent matrix
// product over channels, run for a chunk of samples at once (by gemm_avx512.h on AVX-512 CPUs,
// else by BLIS), with the channels last (the transforms then run along the channels, whatever
// the size of the plane):
//   forward      M_xi [T, O] = V_xi [T, C] U_xi^T     U_xi [O, C] = G w G^T,  V = B^T x_tile B
//                y_tile = A^T M A
//   backward     Z = A dy_tile A^T   (the transpose of the output transform)
//                dW_xi [O, C] = sum over chunks of Z_xi^T V_xi,  dw = G^T dW G
//                D_xi [T, C] = Z_xi U_xi,  dx_tile = B D B^T, overlapping tiles added
// The backward pass is the exact gradient of the forward's bilinear form, so y, dw and dx agree
// with the direct convolution up to float rounding (tests/test_conv.cpp checks all three against
// a double-precision naive convolution). Same contract as conv2d.h; conv2d.cpp picks the
// lowering.
#pragma once

#include <cstdint>

#include "worker/kernels/conv2d.h"

namespace hpsweep {

// 3x3, stride 1, at least 32 input channels (16 on AVX-512 CPUs) and 16 output channels, where
// the products outweigh the transforms (bench_kernels BM_Conv3x3Lowering). conv2d.cpp gives layers
// with at most 16 output channels to the direct kernels first, so Winograd takes 17 and more.
bool conv2d_winograd_suits(const Conv2dDims& d);

// Samples per chunk: V and M of a chunk take about 4 MB. For tests of the accumulation over
// chunks.
int64_t conv2d_winograd_samples_per_chunk(const Conv2dDims& d);

int64_t conv2d_winograd_workspace_size(const Conv2dDims& d);

void conv2d_winograd_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                             float* y, float* workspace);

// Writes (does not accumulate) dw and db; writes dx unless it is null.
void conv2d_winograd_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                              float* dw, float* db, float* dx, float* workspace);

}  // namespace hpsweep
