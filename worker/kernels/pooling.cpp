#include "worker/kernels/pooling.h"

#include <algorithm>
#include <limits>

namespace hpsweep {
namespace {

// Pools output row by output row: for output row oh of plane p, calls
// op(p, oh, h0, h1, out) with [h0, h1) the input rows its windows cover inside the plane and
// `out` the index of its first output. The ops then sweep each window row h and kernel column
// kj across the whole output row at once (the outputs ow whose column ow * sw + kj - pw lies
// inside the plane), so their inner loops run along the row, branch-free, and vectorize.
template <typename Op>
void for_each_output_row(const Pool2dDims& d, Op op) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t oh = 0; oh < ho; ++oh) {
      const int64_t top = oh * win.stride.h - win.padding.h;
      op(p, std::max<int64_t>(top, 0), std::min(top + win.kernel.h, d.height), (p * ho + oh) * wo);
    }
}

// LeNet's pooling: 2x2 windows, stride 2, no padding, even planes. The windows tile the plane
// exactly, so each output reads its four inputs directly and the backward pass writes every
// input gradient once (no zeroing, no scatter). Same arithmetic, in the same order, as the
// general path.
bool tiles_2x2(const Pool2dDims& d) {
  const Window2d& w = d.window;
  return w.kernel.h == 2 && w.kernel.w == 2 && w.stride.h == 2 && w.stride.w == 2 &&
         w.padding.h == 0 && w.padding.w == 0 && d.height % 2 == 0 && d.width % 2 == 0;
}

// Calls op(top, bottom, out, wo, first): the input rows of output row `out` (wo outputs),
// and the index within the plane of the top row's first element.
template <typename Op>
void for_each_2x2_row(const Pool2dDims& d, Op op) {
  const int64_t ho = d.height / 2, wo = d.width / 2;
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t oh = 0; oh < ho; ++oh) {
      const int64_t first = 2 * oh * d.width;
      op(p * d.height * d.width + first, (p * ho + oh) * wo, wo, first);
    }
}

void max_pool_2x2_forward(const Pool2dDims& d, const float* x, float* y, int32_t* argmax) {
  const int64_t w = d.width;
  for_each_2x2_row(d, [&](int64_t in, int64_t out, int64_t wo, int64_t first) {
    const float* top = x + in;
    const float* bottom = top + w;
    const auto f = static_cast<int32_t>(first), iw = static_cast<int32_t>(w);
    for (int64_t ow = 0; ow < wo; ++ow) {
      const int32_t i = f + 2 * static_cast<int32_t>(ow);
      float best = top[2 * ow];
      int32_t index = i;
      // Row-major order; the first maximum wins, NaN wins (as in PyTorch).
      const float candidates[3] = {top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1]};
      const int32_t at[3] = {i + 1, i + iw, i + iw + 1};
      for (int k = 0; k < 3; ++k) {
        const bool take = candidates[k] > best || candidates[k] != candidates[k];
        best = take ? candidates[k] : best;
        index = take ? at[k] : index;
      }
      y[out + ow] = best;
      argmax[out + ow] = index;
    }
  });
}

void max_pool_2x2_backward(const Pool2dDims& d, const int32_t* argmax, const float* dy, float* dx) {
  const int64_t w = d.width;
  for_each_2x2_row(d, [&](int64_t in, int64_t out, int64_t wo, int64_t first) {
    float* top = dx + in;
    float* bottom = top + w;
    // 32-bit indices, as argmax's: 8 per vector.
    const auto f = static_cast<int32_t>(first), iw = static_cast<int32_t>(w);
    for (int32_t ow = 0; ow < static_cast<int32_t>(wo); ++ow) {
      const int32_t i = f + 2 * ow, a = argmax[out + ow];
      const float g = dy[out + ow];
      top[2 * ow] = a == i ? g : 0.0f;
      top[2 * ow + 1] = a == i + 1 ? g : 0.0f;
      bottom[2 * ow] = a == i + iw ? g : 0.0f;
      bottom[2 * ow + 1] = a == i + iw + 1 ? g : 0.0f;
    }
  });
}

void avg_pool_2x2_forward(const Pool2dDims& d, const float* x, float* y) {
  const int64_t w = d.width;
  for_each_2x2_row(d, [&](int64_t in, int64_t out, int64_t wo, int64_t) {
    const float* top = x + in;
    const float* bottom = top + w;
    for (int64_t ow = 0; ow < wo; ++ow)
      y[out + ow] =
          (((0.0f + top[2 * ow]) + top[2 * ow + 1]) + bottom[2 * ow] + bottom[2 * ow + 1]) * 0.25f;
  });
}

void avg_pool_2x2_backward(const Pool2dDims& d, const float* dy, float* dx) {
  const int64_t w = d.width;
  for_each_2x2_row(d, [&](int64_t in, int64_t out, int64_t wo, int64_t) {
    float* top = dx + in;
    float* bottom = top + w;
    for (int64_t ow = 0; ow < wo; ++ow) {
      const float g = dy[out + ow] * 0.25f;
      top[2 * ow] = top[2 * ow + 1] = bottom[2 * ow] = bottom[2 * ow + 1] = 0.0f + g;
    }
  });
}

}  // namespace

void max_pool2d_forward(const Pool2dDims& d, const float* x, float* y, int32_t* argmax) {
  if (tiles_2x2(d)) return max_pool_2x2_forward(d, x, y, argmax);
  const Window2d& win = d.window;
  const int64_t wo = win.out_width(d.width), sw = win.stride.w;
  for_each_output_row(d, [&](int64_t p, int64_t h0, int64_t h1, int64_t out) {
    const float* plane = x + p * d.height * d.width;
    float* best = y + out;
    int32_t* index = argmax + out;
    for (int64_t ow = 0; ow < wo; ++ow) {
      // -inf loses to every input; the index stays on the window's first input if all are -inf.
      best[ow] = -std::numeric_limits<float>::infinity();
      index[ow] =
          static_cast<int32_t>(h0 * d.width + std::max<int64_t>(ow * sw - win.padding.w, 0));
    }
    // Rows, then columns: the first maximum in the window's row-major order wins, as in PyTorch.
    for (int64_t h = h0; h < h1; ++h)
      for (int64_t kj = 0; kj < win.kernel.w; ++kj) {
        const int64_t left = h * d.width + kj - win.padding.w;
        const Span cols = inside_span(d.width, wo, kj, sw, win.padding.w);
        for (int64_t ow = cols.lo; ow < cols.hi; ++ow) {
          const float v = plane[left + ow * sw];
          const bool take = v > best[ow] || v != v;  // NaN wins, as in PyTorch
          best[ow] = take ? v : best[ow];
          index[ow] = take ? static_cast<int32_t>(left + ow * sw) : index[ow];
        }
      }
  });
}

void max_pool2d_backward(const Pool2dDims& d, const int32_t* argmax, const float* dy, float* dx) {
  if (tiles_2x2(d)) return max_pool_2x2_backward(d, argmax, dy, dx);
  const int64_t plane_size = d.height * d.width;
  const int64_t outputs = d.window.out_height(d.height) * d.window.out_width(d.width);
  std::fill(dx, dx + d.planes * plane_size, 0.0f);
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t i = 0; i < outputs; ++i)
      dx[p * plane_size + argmax[p * outputs + i]] += dy[p * outputs + i];
}

void avg_pool2d_forward(const Pool2dDims& d, const float* x, float* y) {
  if (tiles_2x2(d)) return avg_pool_2x2_forward(d, x, y);
  const Window2d& win = d.window;
  const int64_t wo = win.out_width(d.width), sw = win.stride.w;
  // count_include_pad: the divisor is the whole window, padding included.
  const float scale = 1.0f / static_cast<float>(win.kernel.h * win.kernel.w);
  for_each_output_row(d, [&](int64_t p, int64_t h0, int64_t h1, int64_t out) {
    const float* plane = x + p * d.height * d.width;
    float* sum = y + out;
    std::fill(sum, sum + wo, 0.0f);
    for (int64_t h = h0; h < h1; ++h)
      for (int64_t kj = 0; kj < win.kernel.w; ++kj) {
        const float* in = plane + h * d.width;
        const int64_t left = kj - win.padding.w;
        const Span cols = inside_span(d.width, wo, kj, sw, win.padding.w);
        for (int64_t ow = cols.lo; ow < cols.hi; ++ow) sum[ow] += in[left + ow * sw];
      }
    for (int64_t ow = 0; ow < wo; ++ow) sum[ow] *= scale;
  });
}

void avg_pool2d_backward(const Pool2dDims& d, const float* dy, float* dx) {
  if (tiles_2x2(d)) return avg_pool_2x2_backward(d, dy, dx);
  const Window2d& win = d.window;
  const int64_t wo = win.out_width(d.width), sw = win.stride.w;
  const float scale = 1.0f / static_cast<float>(win.kernel.h * win.kernel.w);
  std::fill(dx, dx + d.planes * d.height * d.width, 0.0f);
  for_each_output_row(d, [&](int64_t p, int64_t h0, int64_t h1, int64_t out) {
    float* plane = dx + p * d.height * d.width;
    const float* g = dy + out;
    for (int64_t h = h0; h < h1; ++h)
      for (int64_t kj = 0; kj < win.kernel.w; ++kj) {
        float* in = plane + h * d.width;
        const int64_t left = kj - win.padding.w;
        const Span cols = inside_span(d.width, wo, kj, sw, win.padding.w);
        for (int64_t ow = cols.lo; ow < cols.hi; ++ow) in[left + ow * sw] += g[ow] * scale;
      }
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
