// Blocking helpers of the direct convolution: its loops cut channels, taps and pixels into
// register tiles of compile-time sizes.
#pragma once

#include <cstdint>
#include <type_traits>

namespace hpsweep {

// Splits n items into as few blocks of at most `most` as possible, of near-equal sizes (16
// output channels in blocks of 6 become 6, 5, 5 rather than 6, 6, 4), and calls
// op(first, size) for each.
template <typename Op>
void for_each_block(int64_t n, int64_t most, Op op) {
  const int64_t blocks = (n + most - 1) / most;
  for (int64_t b = 0, first = 0; b < blocks; ++b) {
    const int64_t size = n / blocks + (b < n % blocks ? 1 : 0);
    op(first, size);
    first += size;
  }
}

// Calls op(std::integral_constant<int, size>) for a runtime size in [1, Most].
template <int Most, typename Op>
void with_constant(int64_t size, Op op) {
  if constexpr (Most >= 1) {
    if (size == Most) return op(std::integral_constant<int, Most>{});
    with_constant<Most - 1>(size, op);
  }
}

}  // namespace hpsweep
