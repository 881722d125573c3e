// Sum of n floats in 32 independent lanes, so the loop vectorizes without -ffast-math and
// gives the same result on every run. The convolutions' bias gradients use it.
#pragma once

#include <cstdint>

namespace hpsweep {

inline float float_sum(const float* v, int64_t n) {
  constexpr int64_t kLanes = 32;
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) lanes[l] += v[i + l];
  float total = 0.0f;
  for (; i < n; ++i) total += v[i];
  for (float lane : lanes) total += lane;
  return total;
}

}  // namespace hpsweep
