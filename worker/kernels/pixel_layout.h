// Channel planes [channels, h, w] (NCHW samples) to and from pixel-major buffers, where a
// pixel's channels are contiguous: the layout of kernels that put channels on vector lanes
// (conv2d_winograd.cpp's transforms, conv2d_direct.cpp's channel-lane kernels).
#pragma once

#include <cstdint>

#include "worker/kernels/float_vec.h"

namespace hpsweep {

// rows[i][j] -> rows[j][i] for an 8x8 block: pairs interleaved, then pairs of pairs, then
// the 128-bit halves swapped.
[[gnu::always_inline]] inline void transpose8x8(Vec rows[8]) {
  Vec t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(rows[i], rows[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(rows[i], rows[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4)
    for (int k = 0; k < 2; ++k) {
      u[i + 2 * k] = __builtin_shufflevector(t[i + k], t[i + 2 + k], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 2 * k + 1] =
          __builtin_shufflevector(t[i + k], t[i + 2 + k], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  for (int j = 0; j < 4; ++j) {
    rows[j] = __builtin_shufflevector(u[j], u[4 + j], 0, 1, 2, 3, 8, 9, 10, 11);
    rows[4 + j] = __builtin_shufflevector(u[j], u[4 + j], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// planes [channels, h, w] -> pixels [., ., stride] from `pixels` on, row stride `row` pixels:
// pixel (r, col) of channel c at pixels[(r * row + col) * stride + c]. Blocks of 8 channels x
// 8 columns are transposed in registers; the rest (planes narrower than 8) element by element.
inline void planes_to_pixels(const float* planes, int64_t channels, int64_t h, int64_t w,
                             float* pixels, int64_t row, int64_t stride) {
  const int64_t c_blocked = channels / kLanes * kLanes, w_blocked = w / kLanes * kLanes;
  for (int64_t c = 0; c < c_blocked; c += kLanes)
    for (int64_t r = 0; r < h; ++r)
      for (int64_t col = 0; col < w_blocked; col += kLanes) {
        Vec block[8];
        for (int i = 0; i < 8; ++i) block[i] = load(planes + ((c + i) * h + r) * w + col);
        transpose8x8(block);
        for (int j = 0; j < 8; ++j) store(pixels + (r * row + col + j) * stride + c, block[j]);
      }
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t r = 0; r < h; ++r) {
      const float* __restrict src = planes + (c * h + r) * w;
      float* __restrict dst = pixels + r * row * stride + c;
      for (int64_t col = c < c_blocked ? w_blocked : 0; col < w; ++col)
        dst[col * stride] = src[col];
    }
}

// The inverse: pixels -> planes [channels, h, w].
inline void pixels_to_planes(const float* pixels, int64_t row, int64_t stride, int64_t channels,
                             int64_t h, int64_t w, float* planes) {
  const int64_t c_blocked = channels / kLanes * kLanes, w_blocked = w / kLanes * kLanes;
  for (int64_t c = 0; c < c_blocked; c += kLanes)
    for (int64_t r = 0; r < h; ++r)
      for (int64_t col = 0; col < w_blocked; col += kLanes) {
        Vec block[8];
        for (int j = 0; j < 8; ++j) block[j] = load(pixels + (r * row + col + j) * stride + c);
        transpose8x8(block);
        for (int i = 0; i < 8; ++i) store(planes + ((c + i) * h + r) * w + col, block[i]);
      }
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t r = 0; r < h; ++r) {
      const float* __restrict src = pixels + r * row * stride + c;
      float* __restrict dst = planes + (c * h + r) * w;
      for (int64_t col = c < c_blocked ? w_blocked : 0; col < w; ++col)
        dst[col] = src[col * stride];
    }
}

}  // namespace hpsweep
