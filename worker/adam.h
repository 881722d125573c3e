// Adam as PyTorch's torch.optim.Adam (not AdamW): with g the gradient plus weight_decay * w for
// weights (biases get no decay, as with SGD), and t the step count from 1,
//   m <- beta1 m + (1 - beta1) g,  v <- beta2 v + (1 - beta2) g^2,
//   w <- w - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - beta1^t), v_hat = v / (1 -
//   beta2^t).
#pragma once

#include "worker/optimizer.h"

namespace hpsweep {

class Adam : public Optimizer {
 public:
  Adam(double lr, double weight_decay, double beta1, double beta2, double eps);

 private:
  void update(const Model& model) override;

  double weight_decay_, beta1_, beta2_, eps_;
  ParameterState exp_avg_{"exp_avg"}, exp_avg_sq_{"exp_avg_sq"};  // m and v
};

}  // namespace hpsweep
