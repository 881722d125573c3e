// Sliding-window geometry shared by convolution and pooling over [H, W] planes, with PyTorch's
// int-or-pair arguments and its floor rule for the output size.
#pragma once

#include <cstdint>

namespace hpsweep {

// A (height, width) pair; one number means both, as in PyTorch's kernel_size=3.
struct Pair {
  Pair(int64_t both) : h(both), w(both) {}  // NOLINT(google-explicit-constructor): as in PyTorch
  Pair(int64_t height, int64_t width) : h(height), w(width) {}
  int64_t h, w;
};

struct Window2d {
  Pair kernel, stride, padding;
  // Ho = floor((H + 2p - k) / s) + 1; callers check first that the window fits.
  int64_t out_height(int64_t height) const {
    return (height + 2 * padding.h - kernel.h) / stride.h + 1;
  }
  int64_t out_width(int64_t width) const {
    return (width + 2 * padding.w - kernel.w) / stride.w + 1;
  }
};

// The outputs o in [lo, hi) whose input index o * stride - pad + offset lies in [0, size): the
// rest of a row reads padding. Empty spans have lo == hi.
struct Span {
  int64_t lo, hi;
};
inline Span inside_span(int64_t size, int64_t outputs, int64_t offset, int64_t stride,
                        int64_t pad) {
  const int64_t first = pad - offset;  // o * stride >= first
  const int64_t lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  const int64_t last = size - 1 + pad - offset;  // o * stride <= last
  const int64_t hi = last < 0 ? 0 : last / stride + 1;
  const int64_t begin = lo < outputs ? lo : outputs;
  const int64_t end = hi < outputs ? hi : outputs;
  return {begin, end > begin ? end : begin};
}

}  // namespace hpsweep
