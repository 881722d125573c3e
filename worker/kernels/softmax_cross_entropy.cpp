#include "worker/kernels/softmax_cross_entropy.h"

#include <cmath>

namespace hpsweep {

LossSums softmax_cross_entropy_forward(const float* logits, const int32_t* labels, int64_t batch,
                                       int64_t classes, float* probabilities) {
  LossSums sums;
  for (int64_t r = 0; r < batch; ++r) {
    const float* z = logits + r * classes;
    float* p = probabilities + r * classes;
    int64_t arg_max = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (z[c] > z[arg_max]) arg_max = c;
    const float max = z[arg_max];
    float total = 0.0f;
    for (int64_t c = 0; c < classes; ++c) {
      p[c] = std::exp(z[c] - max);
      total += p[c];
    }
    const float inverse = 1.0f / total;
    for (int64_t c = 0; c < classes; ++c) p[c] *= inverse;
    sums.loss += static_cast<double>(max + std::log(total) - z[labels[r]]);
    // NaN logits must not count as correct: arg_max stays 0 for them, so test explicitly.
    if (arg_max != labels[r] || std::isnan(max)) ++sums.errors;
  }
  return sums;
}

void softmax_cross_entropy_backward(const float* probabilities, const int32_t* labels,
                                    int64_t batch, int64_t classes, float scale, float* dlogits) {
  for (int64_t r = 0; r < batch; ++r) {
    const float* p = probabilities + r * classes;
    float* d = dlogits + r * classes;
    for (int64_t c = 0; c < classes; ++c) d[c] = p[c] * scale;
    d[labels[r]] -= scale;
  }
}

}  // namespace hpsweep
