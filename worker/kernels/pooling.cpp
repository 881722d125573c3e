#include "worker/kernels/pooling.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hpsweep {
namespace {

// The part of output (oh, ow)'s window inside the unpadded plane: rows [h0, h1), columns
// [w0, w1).
struct Box {
  int64_t h0, h1, w0, w1;
};

// Calls op(p, box, out) for every output of every plane, with out its index in the output.
template <typename Op>
void for_each_window(const Pool2dDims& d, Op op) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t oh = 0; oh < ho; ++oh) {
      const int64_t top = oh * win.stride.h - win.padding.h;
      const int64_t h0 = std::max<int64_t>(top, 0), h1 = std::min(top + win.kernel.h, d.height);
      for (int64_t ow = 0; ow < wo; ++ow) {
        const int64_t left = ow * win.stride.w - win.padding.w;
        const Box box{h0, h1, std::max<int64_t>(left, 0), std::min(left + win.kernel.w, d.width)};
        op(p, box, (p * ho + oh) * wo + ow);
      }
    }
}

}  // namespace

void max_pool2d_forward(const Pool2dDims& d, const float* x, float* y, int32_t* argmax) {
  for_each_window(d, [&](int64_t p, Box box, int64_t out) {
    const float* plane = x + p * d.height * d.width;
    float best = -std::numeric_limits<float>::infinity();
    int64_t best_index = box.h0 * d.width + box.w0;
    for (int64_t h = box.h0; h < box.h1; ++h)
      for (int64_t w = box.w0; w < box.w1; ++w) {
        const float v = plane[h * d.width + w];
        // NaN wins, as in PyTorch, so a diverged trial's NaNs propagate.
        if (v > best || std::isnan(v)) {
          best = v;
          best_index = h * d.width + w;
        }
      }
    y[out] = best;
    argmax[out] = static_cast<int32_t>(best_index);
  });
}

void max_pool2d_backward(const Pool2dDims& d, const int32_t* argmax, const float* dy, float* dx) {
  const int64_t plane_size = d.height * d.width;
  const int64_t outputs = d.window.out_height(d.height) * d.window.out_width(d.width);
  std::fill(dx, dx + d.planes * plane_size, 0.0f);
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t i = 0; i < outputs; ++i)
      dx[p * plane_size + argmax[p * outputs + i]] += dy[p * outputs + i];
}

void avg_pool2d_forward(const Pool2dDims& d, const float* x, float* y) {
  // count_include_pad: the divisor is the whole window, padding included.
  const float scale = 1.0f / static_cast<float>(d.window.kernel.h * d.window.kernel.w);
  for_each_window(d, [&](int64_t p, Box box, int64_t out) {
    const float* plane = x + p * d.height * d.width;
    float total = 0.0f;
    for (int64_t h = box.h0; h < box.h1; ++h)
      for (int64_t w = box.w0; w < box.w1; ++w) total += plane[h * d.width + w];
    y[out] = total * scale;
  });
}

void avg_pool2d_backward(const Pool2dDims& d, const float* dy, float* dx) {
  const float scale = 1.0f / static_cast<float>(d.window.kernel.h * d.window.kernel.w);
  std::fill(dx, dx + d.planes * d.height * d.width, 0.0f);
  for_each_window(d, [&](int64_t p, Box box, int64_t out) {
    float* plane = dx + p * d.height * d.width;
    const float g = dy[out] * scale;
    for (int64_t h = box.h0; h < box.h1; ++h)
      for (int64_t w = box.w0; w < box.w1; ++w) plane[h * d.width + w] += g;
  });
}

void global_avg_pool2d_forward(int64_t planes, int64_t size, const float* x, float* y) {
  const float scale = 1.0f / static_cast<float>(size);
  for (int64_t p = 0; p < planes; ++p) {
    const float* plane = x + p * size;
    float total = 0.0f;
    for (int64_t i = 0; i < size; ++i) total += plane[i];
    y[p] = total * scale;
  }
}

void global_avg_pool2d_backward(int64_t planes, int64_t size, const float* dy, float* dx) {
  const float scale = 1.0f / static_cast<float>(size);
  for (int64_t p = 0; p < planes; ++p) std::fill(dx + p * size, dx + (p + 1) * size, dy[p] * scale);
}

}  // namespace hpsweep
