// Ranges of floats that the tensors handed to a gradient reducer cover. Tensors that touch in
// memory (a model's packed gradients, which the backward pass hands over last first) merge
// into one range, so a reducer sums them in one go without copying.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace hpsweep {

using FloatRange = std::pair<float*, int64_t>;  // first float, count

// Grows `range` by [begin, begin + count) when the two touch, or takes it when `range` is
// empty; false when they are apart.
inline bool extend(FloatRange& range, float* begin, int64_t count) {
  auto& [first, size] = range;
  if (size == 0) {
    range = {begin, count};
  } else if (begin + count == first) {
    first = begin;
    size += count;
  } else if (first + size == begin) {
    size += count;
  } else {
    return false;
  }
  return true;
}

// Extends the last range when it can, or starts a new one.
inline void append(std::vector<FloatRange>& ranges, float* begin, int64_t count) {
  if (ranges.empty() || !extend(ranges.back(), begin, count)) ranges.push_back({begin, count});
}

}  // namespace hpsweep
