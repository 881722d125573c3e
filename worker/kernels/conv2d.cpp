#include "worker/kernels/conv2d.h"

#include "worker/kernels/conv2d_direct.h"
#include "worker/kernels/conv2d_im2col.h"
#include "worker/kernels/conv2d_lowerings.h"
#include "worker/kernels/conv2d_small_map.h"
#include "worker/kernels/conv2d_winograd.h"

namespace hpsweep {

const std::array<Conv2dLowering, 4> kConv2dLowerings = {{
    {"small-map", conv2d_small_map_suits, conv2d_small_map_workspace_size, conv2d_small_map_forward,
     conv2d_small_map_backward},
    {"direct", conv2d_direct_suits, conv2d_direct_workspace_size, conv2d_direct_forward,
     conv2d_direct_backward},
    {"winograd", conv2d_winograd_suits, conv2d_winograd_workspace_size, conv2d_winograd_forward,
     conv2d_winograd_backward},
    {"im2col", [](const Conv2dDims&) { return true; }, conv2d_im2col_workspace_size,
     conv2d_im2col_forward, conv2d_im2col_backward},
}};

const Conv2dLowering& conv2d_lowering(const Conv2dDims& d) {
  for (const Conv2dLowering& lowering : kConv2dLowerings)
    if (lowering.suits(d)) return lowering;
  return kConv2dLowerings.back();  // not reached: im2col suits every shape
}

int64_t conv2d_workspace_size(const Conv2dDims& d) {
  return conv2d_lowering(d).workspace_size(d);
}

void conv2d_forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
                    float* workspace) {
  conv2d_lowering(d).forward(d, x, w, b, y, workspace);
}

void conv2d_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                     float* dw, float* db, float* dx, float* workspace) {
  conv2d_lowering(d).backward(d, x, w, dy, dw, db, dx, workspace);
}

}  // namespace hpsweep
