// Minibatch SGD with weight decay, as d2l defines it: w <- w - lr * (grad + weight_decay * w)
// for weights; biases get no decay (d2l 4.5 passes only the weights to the decaying group).
// With momentum, PyTorch's torch.optim.SGD (dampening 0, no Nesterov): v <- momentum * v + g,
// w <- w - lr * v, where g includes the decay term. The reported loss is the data loss,
// without the L2 term.
#pragma once

#include "worker/optimizer.h"

namespace hpsweep {

class Sgd : public Optimizer {
 public:
  Sgd(double lr, double weight_decay, double momentum = 0);

 private:
  void update(const Model& model) override;

  double weight_decay_, momentum_;
  ParameterState momentum_buffer_{"momentum_buffer"};  // unused without momentum
};

}  // namespace hpsweep
