#include "cluster/window_slices.h"

#include <algorithm>
#include <cstring>

namespace hpsweep {
namespace {

// Where rank r's slice of [offset, offset + count) starts.
int64_t slice_start(int64_t offset, int64_t count, int r, int ranks) {
  if (r == 0) return offset;
  if (r == ranks) return offset + count;
  constexpr int64_t kLine = 16;  // floats
  const int64_t even = offset + count * r / ranks;
  return std::min(offset + count, (even + kLine - 1) / kLine * kLine);
}

size_t bytes(int64_t floats) {
  return sizeof(float) * static_cast<size_t>(floats);
}

}  // namespace

Slice slice_of(int64_t offset, int64_t count, int rank, int ranks) {
  return {slice_start(offset, count, rank, ranks), slice_start(offset, count, rank + 1, ranks)};
}

void sum_slice(const SharedWindow& window, Slice slice, int to_first, int to_last) {
  // Block by block, so the partial sum stays in L1 while every segment's block is read once.
  constexpr int64_t kBlock = 1024;
  alignas(64) float sum[kBlock];
  for (int64_t begin = slice.first; begin < slice.last; begin += kBlock) {
    const int64_t n = std::min(kBlock, slice.last - begin);
    std::memcpy(sum, window.segment(0) + begin, bytes(n));
    for (int peer = 1; peer < window.ranks(); ++peer) {
      const float* part = window.segment(peer) + begin;
      for (int64_t i = 0; i < n; ++i) sum[i] += part[i];
    }
    for (int to = to_first; to < to_last; ++to)
      std::memcpy(window.segment(to) + begin, sum, bytes(n));
  }
}

void copy_slice(const SharedWindow& window, Slice slice, int from, int to_first, int to_last) {
  const float* source = window.segment(from) + slice.first;
  for (int to = to_first; to < to_last; ++to)
    std::memcpy(window.segment(to) + slice.first, source, bytes(slice.last - slice.first));
}

}  // namespace hpsweep
