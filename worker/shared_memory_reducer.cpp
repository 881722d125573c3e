#include "worker/shared_memory_reducer.h"

#include <algorithm>
#include <cstring>

#include "worker/float_ranges.h"

namespace hpsweep {
namespace {

// Where rank r's slice of [offset, offset + count) starts: an even split, moved up to a
// 64-byte boundary of the segment, so that no two ranks write into one cache line.
int64_t slice_start(int64_t offset, int64_t count, int r, int ranks) {
  if (r == 0) return offset;
  if (r == ranks) return offset + count;
  constexpr int64_t kLine = 16;  // floats
  const int64_t even = offset + count * r / ranks;
  return std::min(offset + count, (even + kLine - 1) / kLine * kLine);
}

}  // namespace

void SharedMemoryReducer::add(Tensor& tensor) {
  if (tensor.size() == 0) return;
  float* own = window_ ? window_->segment(comm_.rank()) : nullptr;
  const bool inside =
      own && tensor.data() >= own && tensor.data() + tensor.size() <= own + window_->floats();
  append(inside ? in_window_ : elsewhere_, tensor.data(), tensor.size());
}

void SharedMemoryReducer::finish() {
  if (!in_window_.empty()) {
    window_->synchronize();  // every rank's gradients are complete
    for (const FloatRange& range : in_window_) sum_slice_in_window(range);
    window_->synchronize();  // every slice's sum is in every segment
    in_window_.clear();
  }
  for (const auto& [begin, count] : elsewhere_) comm_.allreduce_sum(begin, count);
  elsewhere_.clear();
}

void SharedMemoryReducer::sum_slice_in_window(const FloatRange& range) const {
  const int ranks = comm_.size(), rank = comm_.rank();
  const int64_t offset = range.first - window_->segment(rank);
  const int64_t first = slice_start(offset, range.second, rank, ranks);
  const int64_t last = slice_start(offset, range.second, rank + 1, ranks);
  // Block by block, so the partial sum stays in L1 while every peer's block is read once.
  constexpr int64_t kBlock = 1024;
  alignas(64) float sum[kBlock];
  for (int64_t begin = first; begin < last; begin += kBlock) {
    const int64_t n = std::min(kBlock, last - begin);
    std::memcpy(sum, window_->segment(0) + begin, sizeof(float) * static_cast<size_t>(n));
    for (int peer = 1; peer < ranks; ++peer) {
      const float* part = window_->segment(peer) + begin;
      for (int64_t i = 0; i < n; ++i) sum[i] += part[i];
    }
    for (int peer = 0; peer < ranks; ++peer)
      std::memcpy(window_->segment(peer) + begin, sum, sizeof(float) * static_cast<size_t>(n));
  }
}

}  // namespace hpsweep
