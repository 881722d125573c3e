// Bilinear resizing as PyTorch's F.interpolate(mode='bilinear', align_corners=False) without
// antialiasing, which is what torchvision's transforms.Resize(size, antialias=False) does to a
// tensor: output pixel i samples the input at (i + 0.5) * in / out - 0.5, clamped at 0, from
// its two neighbours (the last pixel repeats at the edge).
#pragma once

#include <cstdint>
#include <vector>

namespace hpsweep {

class BilinearResize {
 public:
  BilinearResize(int64_t in_height, int64_t in_width, int64_t out_height, int64_t out_width);

  // in [channels, in_height, in_width] -> out [channels, out_height, out_width]. Allocates
  // nothing: the scratch row buffer is sized once here.
  void apply(const float* in, float* out, int64_t channels);

 private:
  // Where one output coordinate reads: lo * w_lo + hi * w_hi.
  struct Tap {
    int64_t lo, hi;
    float w_lo, w_hi;
  };
  static std::vector<Tap> taps(int64_t in_size, int64_t out_size);

  int64_t in_height_, in_width_, out_height_, out_width_;
  std::vector<Tap> rows_, cols_;
  std::vector<float> widened_;  // [in_height, out_width]: input rows resized horizontally
};

}  // namespace hpsweep
