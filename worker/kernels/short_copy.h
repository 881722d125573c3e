// Short row copies (a few to a few dozen floats) for the convolution kernels' im2col, padding
// and cropping: they cost less as 8-float vector moves than as calls to memmove, which
// std::copy_n makes of them: whole blocks, then one last block that overlaps the previous one
// instead of a scalar tail.
#pragma once

#include <cstdint>
#include <cstring>

namespace hpsweep {

// A constant-size memcpy: one unaligned 32-byte move, no call.
inline void copy8(const float* src, float* dst) {
  std::memcpy(dst, src, 8 * sizeof(float));
}

inline void copy_short(const float* src, int64_t n, float* dst) {
  if (n < 8) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
    return;
  }
  for (int64_t i = 0; i + 8 < n; i += 8) copy8(src + i, dst + i);
  copy8(src + n - 8, dst + n - 8);
}

// An [h, w] plane into a wider one of row stride `stride` (a zero-padded plane, from its first
// inside element), and back out.
inline void copy_plane_in(const float* plane, int64_t h, int64_t w, float* wide, int64_t stride) {
  for (int64_t r = 0; r < h; ++r) copy_short(plane + r * w, w, wide + r * stride);
}
inline void copy_plane_out(const float* wide, int64_t stride, int64_t h, int64_t w, float* plane) {
  for (int64_t r = 0; r < h; ++r) copy_short(wide + r * stride, w, plane + r * w);
}

}  // namespace hpsweep
