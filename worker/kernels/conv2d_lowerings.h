// The lowerings of conv2d.h in one table, in the order conv2d.cpp tries them: the first that
// suits a shape runs it. Tests and benchmarks run each one on every shape it can take.
#pragma once

#include <array>
#include <cstdint>

#include "worker/kernels/conv2d.h"

namespace hpsweep {

struct Conv2dLowering {
  const char* name;
  bool (*suits)(const Conv2dDims&);
  int64_t (*workspace_size)(const Conv2dDims&);
  void (*forward)(const Conv2dDims&, const float* x, const float* w, const float* b, float* y,
                  float* workspace);
  void (*backward)(const Conv2dDims&, const float* x, const float* w, const float* dy, float* dw,
                   float* db, float* dx, float* workspace);
};

// Maps of a few pixels as one dense layer, direct kernels, Winograd, then im2col, which takes
// every shape.
extern const std::array<Conv2dLowering, 4> kConv2dLowerings;

// The lowering conv2d_forward and conv2d_backward run `d` with.
const Conv2dLowering& conv2d_lowering(const Conv2dDims& d);

}  // namespace hpsweep
