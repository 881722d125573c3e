#include "worker/gradient_clipping.h"

#include <cmath>

namespace hpsweep {

double gradient_norm(const Model& model) {
  double sum = 0;
  for (const NamedParameter& p : model.parameters()) {
    if (p.parameter->frozen) continue;
    const float* g = p.parameter->grad.data();
    const int64_t n = p.parameter->grad.size();
    // Double lanes in a fixed order: vectorized, and the same sum on every run.
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(g[i]) * g[i];
  }
  return std::sqrt(sum);
}

void clip_gradients(const Model& model, double clip_norm, double norm) {
  const double coefficient = clip_norm / (norm + 1e-6);
  if (!(coefficient < 1)) return;
  const float scale = static_cast<float>(coefficient);
  for (const NamedParameter& p : model.parameters()) {
    if (p.parameter->frozen) continue;
    float* g = p.parameter->grad.data();
    const int64_t n = p.parameter->grad.size();
    for (int64_t i = 0; i < n; ++i) g[i] *= scale;
  }
}

}  // namespace hpsweep
