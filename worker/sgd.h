// Minibatch SGD with weight decay, as d2l defines it: w <- w - lr * (grad + weight_decay * w)
// for weights; biases get no decay (d2l 4.5 passes only the weights to the decaying group).
// The reported loss is the data loss, without the L2 term.
#pragma once

#include <cstdint>

#include "worker/model.h"

namespace hpsweep {

class Sgd {
 public:
  Sgd(double lr, double weight_decay) : lr_(lr), weight_decay_(weight_decay) {}
  void step(const Model& model);
  int64_t steps() const { return steps_; }
  void set_steps(int64_t steps) { steps_ = steps; }
  double lr() const { return lr_; }
  double weight_decay() const { return weight_decay_; }

 private:
  double lr_, weight_decay_;
  int64_t steps_ = 0;
};

}  // namespace hpsweep
