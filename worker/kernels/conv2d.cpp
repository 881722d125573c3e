#include "worker/kernels/conv2d.h"

#include <algorithm>

#include "common/blas.h"

// One GEMM per sample (N = Ho*Wo) rather than one over the whole batch: a sample's column
// matrix (78 KB for LeNet's first conv, 1.3 MB for a 64-channel 3x3 conv at 24x24) stays in
// L2 between im2col writing it and BLIS packing it, and the output lands in NCHW order with no
// permute. A batch-wide column matrix (20 MB and 42 MB there) goes through memory twice.

namespace hpsweep {
namespace {

int64_t column_rows(const Conv2dDims& d) {
  return d.in_channels * d.window.kernel.h * d.window.kernel.w;
}

int64_t column_cols(const Conv2dDims& d) {
  return d.window.out_height(d.height) * d.window.out_width(d.width);
}

bool is_direct(const Conv2dDims& d) {
  const Window2d& w = d.window;
  return w.kernel.h == 1 && w.kernel.w == 1 && w.stride.h == 1 && w.stride.w == 1 &&
         w.padding.h == 0 && w.padding.w == 0;
}

// Calls row_op(c, ih, out, offset, span) for output row oh of every tap (c, ki, kj) of one
// sample's column matrix [C*kh*kw, Ho*Wo]: that row starts at element `out` and reads input row
// ih of channel c (outside [0, H): all padding) at columns offset + ow * sw for ow in span.
template <typename RowOp>
void for_each_column_row(const Conv2dDims& d, RowOp row_op) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  for (int64_t c = 0; c < d.in_channels; ++c)
    for (int64_t ki = 0; ki < win.kernel.h; ++ki)
      for (int64_t kj = 0; kj < win.kernel.w; ++kj) {
        const int64_t row = (c * win.kernel.h + ki) * win.kernel.w + kj;
        const Span span = inside_span(d.width, wo, kj, win.stride.w, win.padding.w);
        for (int64_t oh = 0; oh < ho; ++oh) {
          const int64_t ih = oh * win.stride.h - win.padding.h + ki;
          row_op(c, ih, (row * ho + oh) * wo, kj - win.padding.w, span);
        }
      }
}

// Writes every element of col once: zeros where the window reads padding.
void im2col(const Conv2dDims& d, const float* x, float* col) {
  const int64_t wo = d.window.out_width(d.width), sw = d.window.stride.w;
  for_each_column_row(d, [&](int64_t c, int64_t ih, int64_t out, int64_t offset, Span span) {
    float* dst = col + out;
    if (ih < 0 || ih >= d.height) {
      std::fill(dst, dst + wo, 0.0f);
      return;
    }
    const float* src = x + (c * d.height + ih) * d.width + offset;
    std::fill(dst, dst + span.lo, 0.0f);
    if (sw == 1)
      std::copy(src + span.lo, src + span.hi, dst + span.lo);
    else
      for (int64_t ow = span.lo; ow < span.hi; ++ow) dst[ow] = src[ow * sw];
    std::fill(dst + span.hi, dst + wo, 0.0f);
  });
}

// Adds every column-matrix element into the input position it was read from; dx starts zeroed.
void col2im(const Conv2dDims& d, const float* col, float* dx) {
  const int64_t sw = d.window.stride.w;
  std::fill(dx, dx + d.in_channels * d.height * d.width, 0.0f);
  for_each_column_row(d, [&](int64_t c, int64_t ih, int64_t out, int64_t offset, Span span) {
    if (ih < 0 || ih >= d.height) return;
    const float* src = col + out;
    float* dst = dx + (c * d.height + ih) * d.width + offset;
    for (int64_t ow = span.lo; ow < span.hi; ++ow) dst[ow * sw] += src[ow];
  });
}

// The sample's column matrix: the input itself for direct 1x1 convolutions, else im2col.
const float* columns(const Conv2dDims& d, const float* x, float* workspace) {
  if (is_direct(d)) return x;
  im2col(d, x, workspace);
  return workspace;
}

// Sum of n floats in 32 independent lanes, so the loop vectorizes without -ffast-math.
float sum(const float* v, int64_t n) {
  constexpr int64_t kLanes = 32;
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) lanes[l] += v[i + l];
  float total = 0.0f;
  for (; i < n; ++i) total += v[i];
  for (float lane : lanes) total += lane;
  return total;
}

}  // namespace

int64_t conv2d_workspace_size(const Conv2dDims& d) {
  return is_direct(d) ? 0 : column_rows(d) * column_cols(d);
}

void conv2d_forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
                    float* workspace) {
  const int64_t k = column_rows(d), n = column_cols(d), o = d.out_channels;
  const int64_t x_size = d.in_channels * d.height * d.width;
  for (int64_t s = 0; s < d.batch; ++s) {
    const float* col = columns(d, x + s * x_size, workspace);
    float* ys = y + s * o * n;
    // Seed y with the bias and let the GEMM add into it (beta = 1): no separate bias pass.
    for (int64_t oc = 0; oc < o; ++oc) std::fill(ys + oc * n, ys + (oc + 1) * n, b[oc]);
    gemm(Transpose::no, Transpose::no, o, n, k, 1.0f, w, k, col, n, 1.0f, ys, n);
  }
}

void conv2d_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                     float* dw, float* db, float* dx, float* workspace) {
  const int64_t k = column_rows(d), n = column_cols(d), o = d.out_channels;
  const int64_t x_size = d.in_channels * d.height * d.width;
  std::fill(db, db + o, 0.0f);
  if (d.batch == 0) std::fill(dw, dw + o * k, 0.0f);
  for (int64_t s = 0; s < d.batch; ++s) {
    const float* dys = dy + s * o * n;
    for (int64_t oc = 0; oc < o; ++oc) db[oc] += sum(dys + oc * n, n);
    // dw = sum over samples of dy_s col_s^T; the first sample writes, the rest add.
    const float* col = columns(d, x + s * x_size, workspace);
    gemm(Transpose::no, Transpose::yes, o, k, n, 1.0f, dys, n, col, n, s ? 1.0f : 0.0f, dw, k);
    if (!dx) continue;
    // dcol_s = w^T dy_s, scattered back by col2im (the column matrix is no longer needed).
    float* dxs = dx + s * x_size;
    if (is_direct(d)) {
      gemm(Transpose::yes, Transpose::no, k, n, o, 1.0f, w, k, dys, n, 0.0f, dxs, n);
    } else {
      gemm(Transpose::yes, Transpose::no, k, n, o, 1.0f, w, k, dys, n, 0.0f, workspace, n);
      col2im(d, workspace, dxs);
    }
  }
}

}  // namespace hpsweep
