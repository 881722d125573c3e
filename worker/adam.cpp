#include "worker/adam.h"

#include <cmath>

namespace hpsweep {
namespace {

OptimizerState adam_settings(double lr, double weight_decay, double beta1, double beta2,
                             double eps) {
  OptimizerState s;
  s.type = "adam";
  s.lr = lr;
  s.weight_decay = weight_decay;
  s.beta1 = beta1;
  s.beta2 = beta2;
  s.eps = eps;
  return s;
}

// One parameter's update. The arrays never overlap; saying so (__restrict) and compiling without
// errno for sqrt (-fno-math-errno, worker/CMakeLists.txt) let the loop run on vectors: 4x
// fewer instructions, and each lane's arithmetic is the scalar loop's, so the bits are too.
template <bool Decay>
void adam_elements(int64_t n, float wd, float b1, float c1, float b2, float c2, float step_size,
                   float bias2_sqrt, float eps, const float* __restrict g, float* __restrict w,
                   float* __restrict m, float* __restrict v) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float gi = Decay ? g[i] + wd * w[i] : g[i];
    m[i] = b1 * m[i] + c1 * gi;
    v[i] = b2 * v[i] + c2 * (gi * gi);
    w[i] -= step_size * (m[i] / (std::sqrt(v[i]) / bias2_sqrt + eps));
  }
}

}  // namespace

Adam::Adam(double lr, double weight_decay, double beta1, double beta2, double eps)
    : Optimizer(adam_settings(lr, weight_decay, beta1, beta2, eps), {&exp_avg_, &exp_avg_sq_}),
      weight_decay_(weight_decay),
      beta1_(beta1),
      beta2_(beta2),
      eps_(eps) {}

// Float32 element-wise, as PyTorch computes for float32 parameters: m and v are float32 there
// (and in checkpoints), so double arithmetic would only move results away from PyTorch's.
// The bias corrections are Python floats in PyTorch, so double here, rounded once per step;
// the update is arranged as PyTorch arranges it:
//   w <- w - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
void Adam::update(const Model& model) {
  exp_avg_.allocate(model);
  exp_avg_sq_.allocate(model);
  const double t = static_cast<double>(steps());
  const double bias1 = 1.0 - std::pow(beta1_, t);
  const float bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2_, t)));
  const float b1 = static_cast<float>(beta1_), c1 = static_cast<float>(1.0 - beta1_);
  const float b2 = static_cast<float>(beta2_), c2 = static_cast<float>(1.0 - beta2_);
  const float wd = static_cast<float>(weight_decay_), eps = static_cast<float>(eps_);
  size_t buffer = 0;  // the moments are the trained parameters'
  for (const NamedParameter& named : model.parameters()) {
    Parameter& p = *named.parameter;
    if (p.frozen) continue;
    // A parameter group's rate, as PyTorch's param_groups hold it: a double, rounded once.
    const float step_size = static_cast<float>(lr() * p.lr_mult / bias1);
    float* w = p.value.data();
    const float* g = p.grad.data();
    float* m = exp_avg_[buffer].data();
    float* v = exp_avg_sq_[buffer++].data();
    const auto elements =
        p.decay && weight_decay_ != 0.0 ? adam_elements<true> : adam_elements<false>;
    elements(p.value.size(), wd, b1, c1, b2, c2, step_size, bias2_sqrt, eps, g, w, m, v);
  }
}

}  // namespace hpsweep
