#include "worker/kernels/conv2d.h"

#include "worker/kernels/conv2d_direct.h"
#include "worker/kernels/conv2d_im2col.h"
#include "worker/kernels/conv2d_winograd.h"

namespace hpsweep {
namespace {

enum class Lowering { direct, winograd, im2col };

Lowering lowering(const Conv2dDims& d) {
  if (conv2d_direct_suits(d)) return Lowering::direct;
  if (conv2d_winograd_suits(d)) return Lowering::winograd;
  return Lowering::im2col;
}

}  // namespace

int64_t conv2d_workspace_size(const Conv2dDims& d) {
  switch (lowering(d)) {
    case Lowering::direct:
      return conv2d_direct_workspace_size(d);
    case Lowering::winograd:
      return conv2d_winograd_workspace_size(d);
    case Lowering::im2col:
      break;
  }
  return conv2d_im2col_workspace_size(d);
}

void conv2d_forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
                    float* workspace) {
  switch (lowering(d)) {
    case Lowering::direct:
      return conv2d_direct_forward(d, x, w, b, y, workspace);
    case Lowering::winograd:
      return conv2d_winograd_forward(d, x, w, b, y, workspace);
    case Lowering::im2col:
      return conv2d_im2col_forward(d, x, w, b, y, workspace);
  }
}

void conv2d_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                     float* dw, float* db, float* dx, float* workspace) {
  switch (lowering(d)) {
    case Lowering::direct:
      return conv2d_direct_backward(d, x, w, dy, dw, db, dx, workspace);
    case Lowering::winograd:
      return conv2d_winograd_backward(d, x, w, dy, dw, db, dx, workspace);
    case Lowering::im2col:
      return conv2d_im2col_backward(d, x, w, dy, dw, db, dx, workspace);
  }
}

}  // namespace hpsweep
