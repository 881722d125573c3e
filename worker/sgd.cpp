#include "worker/sgd.h"

namespace hpsweep {

void Sgd::step(const Model& model) {
  const float lr = static_cast<float>(lr_);
  for (const NamedParameter& named : model.parameters()) {
    Parameter& p = *named.parameter;
    float* w = p.value.data();
    const float* g = p.grad.data();
    const int64_t n = p.value.size();
    if (p.decay && weight_decay_ != 0.0) {
      // One fused pass: w <- (1 - lr*wd) w - lr g.
      const float shrink = static_cast<float>(1.0 - lr_ * weight_decay_);
      for (int64_t i = 0; i < n; ++i) w[i] = shrink * w[i] - lr * g[i];
    } else {
      for (int64_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    }
  }
  ++steps_;
}

}  // namespace hpsweep
