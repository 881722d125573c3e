// Softmax cross-entropy from logits, computed with log-sum-exp so large logits cannot overflow:
// loss_r = logsumexp(z_r) - z_r[label_r]. The forward pass keeps the probabilities, which the
// backward pass turns into dL/dz = (softmax(z) - onehot(label)) * scale.
#pragma once

#include <cstdint>

namespace hpsweep {

struct LossSums {
  double loss = 0;     // summed over rows
  int64_t errors = 0;  // rows whose arg-max is not the label
};

LossSums softmax_cross_entropy_forward(const float* logits, const int32_t* labels, int64_t batch,
                                       int64_t classes, float* probabilities);

// dlogits[B, C] = (probabilities - onehot(labels)) * scale; scale is 1/B for a mean loss.
void softmax_cross_entropy_backward(const float* probabilities, const int32_t* labels,
                                    int64_t batch, int64_t classes, float scale, float* dlogits);

}  // namespace hpsweep
