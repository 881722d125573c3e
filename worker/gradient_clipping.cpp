#include "worker/gradient_clipping.h"

#include <cmath>

namespace hpsweep {
namespace {

// Sum of squares in 8 fixed double lanes: the order of the additions depends on the position
// in the tensor only, never on where its memory starts, so every run gets the same bits
// (an `omp simd` reduction may peel for alignment, which moves the lanes' boundaries).
double sum_of_squares(const float* v, int64_t n) {
  constexpr int64_t kLanes = 8;
  double lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l)
      lanes[l] += static_cast<double>(v[i + l]) * static_cast<double>(v[i + l]);
  double total = 0;
  for (; i < n; ++i) total += static_cast<double>(v[i]) * static_cast<double>(v[i]);
  for (double lane : lanes) total += lane;
  return total;
}

}  // namespace

double gradient_norm(const Model& model) {
  double sum = 0;
  for (const NamedParameter& p : model.parameters())
    if (!p.parameter->frozen)
      sum += sum_of_squares(p.parameter->grad.data(), p.parameter->grad.size());
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
