#include "worker/kernels/roi_pool.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace hpsweep {
namespace {

// A bin's rows or columns [begin, end) within the map.
struct Span {
  int64_t begin, end;
};

// Bin `i` of `bins` over the `cells` cells from `first` on, clipped to [0, limit). The bin size
// is a float, as in torchvision, so the floor and ceil land where its bins do.
Span bin_span(int64_t i, int64_t bins, int64_t first, int64_t cells, int64_t limit) {
  const float size = static_cast<float>(cells) / static_cast<float>(bins);
  const auto begin = static_cast<int64_t>(std::floor(static_cast<float>(i) * size));
  const auto end = static_cast<int64_t>(std::ceil(static_cast<float>(i + 1) * size));
  return {std::clamp<int64_t>(begin + first, 0, limit), std::clamp<int64_t>(end + first, 0, limit)};
}

int64_t batch_index(const float* region) {
  return static_cast<int64_t>(region[0]);
}

}  // namespace

void roi_pool_forward(const RoiPoolDims& d, const float* x, const float* regions, float* y,
                      int32_t* argmax) {
  const int64_t plane = d.height * d.width, bins = d.pooled_height * d.pooled_width;
  for (int64_t r = 0; r < d.regions; ++r) {
    const float* region = regions + r * 5;
    auto cell = [&](int k) {
      return static_cast<int64_t>(std::round(region[k] * d.spatial_scale));
    };
    const int64_t x1 = cell(1), y1 = cell(2), x2 = cell(3), y2 = cell(4);
    // A region whose corners are swapped is one cell wide (torchvision's rule).
    const int64_t rows = std::max<int64_t>(y2 - y1 + 1, 1),
                  cols = std::max<int64_t>(x2 - x1 + 1, 1);
    const float* image = x + batch_index(region) * d.channels * plane;
    for (int64_t ph = 0; ph < d.pooled_height; ++ph) {
      const Span hs = bin_span(ph, d.pooled_height, y1, rows, d.height);
      for (int64_t pw = 0; pw < d.pooled_width; ++pw) {
        const Span ws = bin_span(pw, d.pooled_width, x1, cols, d.width);
        const bool empty = hs.end <= hs.begin || ws.end <= ws.begin;
        for (int64_t c = 0; c < d.channels; ++c) {
          const float* in = image + c * plane;
          float best = empty ? 0.0f : -FLT_MAX;
          int32_t best_at = -1;
          for (int64_t h = hs.begin; h < hs.end; ++h)
            for (int64_t w = ws.begin; w < ws.end; ++w)
              if (in[h * d.width + w] > best) {
                best = in[h * d.width + w];
                best_at = static_cast<int32_t>(h * d.width + w);
              }
          const int64_t out = (r * d.channels + c) * bins + ph * d.pooled_width + pw;
          y[out] = best;
          argmax[out] = best_at;
        }
      }
    }
  }
}

void roi_pool_backward(const RoiPoolDims& d, const float* regions, const int32_t* argmax,
                       const float* dy, float* dx) {
  const int64_t plane = d.height * d.width, bins = d.pooled_height * d.pooled_width;
  std::fill_n(dx, d.batch * d.channels * plane, 0.0f);
  for (int64_t r = 0; r < d.regions; ++r) {
    float* image_grad = dx + batch_index(regions + r * 5) * d.channels * plane;
    for (int64_t c = 0; c < d.channels; ++c)
      for (int64_t b = 0; b < bins; ++b) {
        const int64_t out = (r * d.channels + c) * bins + b;
        if (argmax[out] >= 0) image_grad[c * plane + argmax[out]] += dy[out];
      }
  }
}

}  // namespace hpsweep
