// The direct convolution's inner loops, compiled once per instruction set: AVX2 (8-float
// vectors, any x86-64-v3 CPU) and AVX-512 (16-float vectors and 32 registers, on CPUs that have
// it; issue 21). conv2d_direct_forward and conv2d_direct_backward run the fastest set this CPU
// supports; tests run each set against the naive convolution and against each other.
//
// Both sets give the same bits: every output's sum runs in the same order whatever the vector
// width and register tile (over input channels then taps forward; over output channels for
// the input gradient, added tap after tap; over samples then pixels for the weight gradient),
// and the extended planes have the same length for both (kDirectPlaneMultiple).
#pragma once

#include <cstdint>

#include "worker/kernels/conv2d_direct.h"

namespace hpsweep {

// Extended output planes are a whole number of the widest vectors, so that both sets compute
// the same positions.
constexpr int64_t kDirectPlaneMultiple = 16;

struct DirectGeometry {
  int64_t wp;         // row stride of the padded planes: W + 2pw
  int64_t ho, wo;     // output size
  int64_t out_plane;  // floats per extended output plane: Ho*Wp, rounded up
  int64_t taps;       // kh * kw
  int64_t in_plane;   // floats per padded input plane: zeros up to the farthest read
};

// `offsets` hold each tap's shift in the padded planes: ki*Wp + kj.
struct DirectKernels {
  // One sample's extended outputs [O, out_plane] (without the bias) from its padded planes.
  void (*forward_extended)(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                           const float* padded, const float* w, float* extended);
  // Output channels along the lanes (O = 8, 16 or 32): one sample's pixel-major outputs [Ho*Wo, O]
  // from the transposed weights [C, taps, O], each sum starting from the bias.
  void (*forward_lanes)(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                        const float* padded, const float* weights_t, const float* b, float* pixels);
  // Adds a chunk of `samples` (padded planes [S, C, in_plane], pixel-major output gradients
  // [S, Ho*Wo, O]) to the transposed weight gradient [C*taps, O].
  void (*weight_grad_lanes)(const Conv2dDims& d, const DirectGeometry& g, int64_t samples,
                            const float* padded, const float* dy_pixels, float* dw_t);
  // Adds one sample's input gradient into its zeroed padded planes [C, in_plane], from its
  // extended output gradient [O, out_plane] (zero past each row's Wo outputs).
  void (*input_grad)(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                     const float* w, const float* dy_ext, float* padded_grad);
};

const DirectKernels& direct_kernels_avx2();
// Null when this CPU, or this build (not x86-64), has no AVX-512.
const DirectKernels* direct_kernels_avx512();
// conv2d_direct_avx512.cpp's set, in x86-64 builds only: direct_kernels_avx512 checks the CPU
// before handing it out.
const DirectKernels& direct_kernels_avx512_unchecked();

// conv2d_direct_forward and conv2d_direct_backward through the given set.
void conv2d_direct_forward(const DirectKernels& kernels, const Conv2dDims& d, const float* x,
                           const float* w, const float* b, float* y, float* workspace);
void conv2d_direct_backward(const DirectKernels& kernels, const Conv2dDims& d, const float* x,
                            const float* w, const float* dy, float* dw, float* db, float* dx,
                            float* workspace);

}  // namespace hpsweep
