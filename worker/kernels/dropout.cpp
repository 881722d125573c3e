#include "worker/kernels/dropout.h"

#include <cmath>

#include "common/rng.h"

namespace hpsweep {

void dropout_make_mask(uint64_t key, const int64_t* sample_ids, int64_t batch, int64_t features,
                       double p, float* mask) {
  // Compare 32 random bits against the drop probability scaled to 2^32.
  const uint64_t drop_below = static_cast<uint64_t>(std::ldexp(p, 32));
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  for (int64_t r = 0; r < batch; ++r) {
    const uint64_t row_key = counter_hash({key, static_cast<uint64_t>(sample_ids[r])});
    float* row = mask + r * features;
    for (int64_t f = 0; f < features; ++f) {
      const uint64_t bits = mix64(row_key + static_cast<uint64_t>(f) * 0x9e3779b97f4a7c15ULL) >> 32;
      row[f] = bits < drop_below ? 0.0f : scale;
    }
  }
}

void dropout_apply(const float* in, const float* mask, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] * mask[i];
}

}  // namespace hpsweep
