#include "worker/data/resize.h"

namespace hpsweep {

BilinearResize::BilinearResize(int64_t in_height, int64_t in_width, int64_t out_height,
                               int64_t out_width)
    : in_height_(in_height),
      in_width_(in_width),
      out_height_(out_height),
      out_width_(out_width),
      rows_(taps(in_height, out_height)),
      cols_(taps(in_width, out_width)),
      widened_(in_height * out_width) {}

// In float like PyTorch's CPU kernel for float tensors, so the weights round the same way.
std::vector<BilinearResize::Tap> BilinearResize::taps(int64_t in_size, int64_t out_size) {
  const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
  std::vector<Tap> result(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    float source = scale * (static_cast<float>(i) + 0.5f) - 0.5f;
    if (source < 0) source = 0;
    const auto lo = static_cast<int64_t>(source);
    const float w_hi = source - static_cast<float>(lo);
    result[i] = {lo, lo < in_size - 1 ? lo + 1 : lo, 1.0f - w_hi, w_hi};
  }
  return result;
}

// Two passes: every input row horizontally, then each output row blends two widened rows.
// This is PyTorch's h_lo * (w_lo * x + w_hi * x') + h_hi * (...) term for term, at a fraction
// of the direct formula's work when enlarging.
void BilinearResize::apply(const float* in, float* out, int64_t channels) {
  for (int64_t c = 0; c < channels; ++c) {
    const float* image = in + c * in_height_ * in_width_;
    for (int64_t y = 0; y < in_height_; ++y) {
      const float* row = image + y * in_width_;
      float* wide = widened_.data() + y * out_width_;
      for (int64_t x = 0; x < out_width_; ++x) {
        const Tap& t = cols_[x];
        wide[x] = t.w_lo * row[t.lo] + t.w_hi * row[t.hi];
      }
    }
    float* target = out + c * out_height_ * out_width_;
    for (int64_t y = 0; y < out_height_; ++y) {
      const Tap& t = rows_[y];
      const float* lo = widened_.data() + t.lo * out_width_;
      const float* hi = widened_.data() + t.hi * out_width_;
      float* row = target + y * out_width_;
      for (int64_t x = 0; x < out_width_; ++x) row[x] = t.w_lo * lo[x] + t.w_hi * hi[x];
    }
  }
}

}  // namespace hpsweep
