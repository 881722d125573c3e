#include "worker/kernels/conv2d.h"

#include "worker/kernels/conv2d_direct.h"
#include "worker/kernels/conv2d_im2col.h"

namespace hpsweep {

int64_t conv2d_workspace_size(const Conv2dDims& d) {
  return conv2d_direct_suits(d) ? conv2d_direct_workspace_size(d) : conv2d_im2col_workspace_size(d);
}

void conv2d_forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
                    float* workspace) {
  if (conv2d_direct_suits(d))
    conv2d_direct_forward(d, x, w, b, y, workspace);
  else
    conv2d_im2col_forward(d, x, w, b, y, workspace);
}

void conv2d_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                     float* dw, float* db, float* dx, float* workspace) {
  if (conv2d_direct_suits(d))
    conv2d_direct_backward(d, x, w, dy, dw, db, dx, workspace);
  else
    conv2d_im2col_backward(d, x, w, dy, dw, db, dx, workspace);
}

}  // namespace hpsweep
