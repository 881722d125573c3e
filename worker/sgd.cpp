#include "worker/sgd.h"

namespace hpsweep {
namespace {

OptimizerState sgd_settings(double lr, double weight_decay, double momentum) {
  OptimizerState s;
  s.type = "sgd";
  s.lr = lr;
  s.weight_decay = weight_decay;
  s.momentum = momentum;
  return s;
}

}  // namespace

// Without momentum there is no buffer to keep, and checkpoints hold none (as before momentum).
Sgd::Sgd(double lr, double weight_decay, double momentum)
    : Optimizer(sgd_settings(lr, weight_decay, momentum),
                momentum == 0 ? std::vector<ParameterState*>{}
                              : std::vector<ParameterState*>{&momentum_buffer_}),
      weight_decay_(weight_decay),
      momentum_(momentum) {}

// In float32 with float32 coefficients, as PyTorch updates float32 parameters.
void Sgd::update(const Model& model) {
  const float wd = static_cast<float>(weight_decay_);
  const float mu = static_cast<float>(momentum_);
  if (momentum_ != 0) momentum_buffer_.allocate(model);
  size_t buffer = 0;  // the momentum buffers are the trained parameters'
  for (const NamedParameter& named : model.parameters()) {
    Parameter& p = *named.parameter;
    if (p.frozen) continue;
    // A parameter group's rate, as PyTorch's param_groups hold it: a double, rounded once.
    const double rate = lr() * p.lr_mult;  // the schedule may change lr() between steps
    const float lr = static_cast<float>(rate);
    float* w = p.value.data();
    const float* g = p.grad.data();
    const int64_t n = p.value.size();
    const bool decay = p.decay && weight_decay_ != 0.0;
    if (momentum_ != 0) {
      float* v = momentum_buffer_[buffer++].data();
      for (int64_t i = 0; i < n; ++i) {
        v[i] = mu * v[i] + (decay ? g[i] + wd * w[i] : g[i]);
        w[i] -= lr * v[i];
      }
    } else if (decay) {
      // One fused pass: w <- (1 - lr*wd) w - lr g.
      const float shrink = static_cast<float>(1.0 - rate * weight_decay_);
      for (int64_t i = 0; i < n; ++i) w[i] = shrink * w[i] - lr * g[i];
    } else {
      for (int64_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    }
  }
}

}  // namespace hpsweep
