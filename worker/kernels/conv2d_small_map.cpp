#include "worker/kernels/conv2d_small_map.h"

#include <algorithm>
#include <array>

#include "common/blas.h"
#include "worker/kernels/float_sum.h"
#include "worker/kernels/stop_check.h"

namespace hpsweep {
namespace {

constexpr int64_t kMostPixels = 4;

// W' is [rows, cols]: row o * outputs + q for output channel o at output pixel q, column
// c * inputs + n for input channel c at input pixel n. Rows and columns are then the NCHW
// order of one sample's output and input, so the batch's y and x are [B, rows], [B, cols].
struct DenseShape {
  int64_t inputs, outputs;  // pixels per plane: H*W, Ho*Wo
  int64_t rows, cols;       // O * outputs, C * inputs
};

DenseShape dense_shape(const Conv2dDims& d) {
  const int64_t inputs = d.height * d.width;
  const int64_t outputs = d.window.out_height(d.height) * d.window.out_width(d.width);
  return {inputs, outputs, d.out_channels * outputs, d.in_channels * inputs};
}

// An output pixel q, an input pixel n and the tap t of the window that joins them.
struct Meeting {
  int64_t q, n, t;
};

// Every meeting, in a fixed order (output pixels, then input pixels, row-major): at most
// kMostPixels * kMostPixels of them.
struct Meetings {
  std::array<Meeting, kMostPixels * kMostPixels> list;
  int count = 0;
};

Meetings meetings(const Conv2dDims& d) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  Meetings m;
  for (int64_t oh = 0; oh < ho; ++oh)
    for (int64_t ow = 0; ow < wo; ++ow)
      for (int64_t ih = 0; ih < d.height; ++ih)
        for (int64_t iw = 0; iw < d.width; ++iw) {
          const int64_t ki = ih - (oh * win.stride.h - win.padding.h);
          const int64_t kj = iw - (ow * win.stride.w - win.padding.w);
          if (ki < 0 || ki >= win.kernel.h || kj < 0 || kj >= win.kernel.w) continue;
          m.list[m.count++] = {oh * wo + ow, ih * d.width + iw, ki * win.kernel.w + kj};
        }
  return m;
}

// W' from the weight [O, C, kh, kw], one (o, c) block of outputs x inputs at a time;
// entries no tap joins are zero.
void expand_weight(const Conv2dDims& d, const DenseShape& s, const float* w, float* dense) {
  const Meetings m = meetings(d);
  const int64_t taps = d.window.kernel.h * d.window.kernel.w;
  std::fill(dense, dense + s.rows * s.cols, 0.0f);
  for (int64_t o = 0; o < d.out_channels; ++o)
    for (int64_t c = 0; c < d.in_channels; ++c) {
      const float* kernel = w + (o * d.in_channels + c) * taps;
      float* block = dense + o * s.outputs * s.cols + c * s.inputs;
      for (int i = 0; i < m.count; ++i)
        block[m.list[i].q * s.cols + m.list[i].n] = kernel[m.list[i].t];
    }
}

// The weight gradient from W's: each tap sums the entries it joins, in the meetings' order;
// taps that meet only padding get zero.
void fold_weight_gradient(const Conv2dDims& d, const DenseShape& s, const float* dense_grad,
                          float* dw) {
  const Meetings m = meetings(d);
  const int64_t taps = d.window.kernel.h * d.window.kernel.w;
  std::fill(dw, dw + d.out_channels * d.in_channels * taps, 0.0f);
  for (int64_t o = 0; o < d.out_channels; ++o)
    for (int64_t c = 0; c < d.in_channels; ++c) {
      float* kernel = dw + (o * d.in_channels + c) * taps;
      const float* block = dense_grad + o * s.outputs * s.cols + c * s.inputs;
      for (int i = 0; i < m.count; ++i)
        kernel[m.list[i].t] += block[m.list[i].q * s.cols + m.list[i].n];
    }
}

}  // namespace

bool conv2d_small_map_suits(const Conv2dDims& d) {
  const DenseShape s = dense_shape(d);
  return s.inputs <= kMostPixels && s.inputs < d.window.kernel.h * d.window.kernel.w &&
         s.outputs <= kMostPixels;
}

// W' for forward and the input gradient; its gradient for the weight gradient.
int64_t conv2d_small_map_workspace_size(const Conv2dDims& d) {
  const DenseShape s = dense_shape(d);
  return 2 * s.rows * s.cols;
}

void conv2d_small_map_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                              float* y, float* workspace) {
  check_kernel_stop();
  const DenseShape s = dense_shape(d);
  expand_weight(d, s, w, workspace);
  // y starts as the bias, and the GEMM adds y[b] += W' x[b] for the whole batch at once.
  for (int64_t sample = 0; sample < d.batch; ++sample)
    for (int64_t o = 0; o < d.out_channels; ++o) {
      float* row = y + sample * s.rows + o * s.outputs;
      std::fill(row, row + s.outputs, b[o]);
    }
  gemm(Transpose::no, Transpose::yes, d.batch, s.rows, s.cols, 1.0f, x, s.cols, workspace, s.cols,
       1.0f, y, s.rows);
}

void conv2d_small_map_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                               float* dw, float* db, float* dx, float* workspace) {
  check_kernel_stop();
  const DenseShape s = dense_shape(d);
  float* dense = workspace;
  float* dense_grad = workspace + s.rows * s.cols;
  std::fill(db, db + d.out_channels, 0.0f);
  for (int64_t sample = 0; sample < d.batch; ++sample)
    for (int64_t o = 0; o < d.out_channels; ++o)
      db[o] += float_sum(dy + sample * s.rows + o * s.outputs, s.outputs);
  // dW' = dy^T x over the batch (zero for an empty batch: BLIS scales C by beta when k = 0).
  gemm(Transpose::yes, Transpose::no, s.rows, s.cols, d.batch, 1.0f, dy, s.rows, x, s.cols, 0.0f,
       dense_grad, s.cols);
  fold_weight_gradient(d, s, dense_grad, dw);
  if (!dx) return;
  expand_weight(d, s, w, dense);
  gemm(Transpose::no, Transpose::no, d.batch, s.cols, s.rows, 1.0f, dy, s.rows, dense, s.cols, 0.0f,
       dx, s.cols);
}

}  // namespace hpsweep
