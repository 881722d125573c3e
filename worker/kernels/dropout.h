// Inverted dropout: each element is kept with probability 1 - p and scaled by 1 / (1 - p), so
// the expectation is unchanged and evaluation is the identity. The mask bit of an element is a
// hash of (key, sample id, feature): it depends on which sample a row holds, not on where the
// row sits in a batch, so any split of a batch across ranks draws the same masks.
#pragma once

#include <cstdint>

namespace hpsweep {

// mask[B, features] = 1/(1-p) where kept, 0 where dropped. sample_ids[B] are global indices.
void dropout_make_mask(uint64_t key, const int64_t* sample_ids, int64_t batch, int64_t features,
                       double p, float* mask);

// out = in * mask, elementwise over n floats (forward and backward alike).
void dropout_apply(const float* in, const float* mask, float* out, int64_t n);

}  // namespace hpsweep
