// The loss a trial minimizes, chosen by its dataset: softmax cross-entropy over class labels
// (error: the share of wrong arg-maxes), or squared loss over real targets (d2l's (y_hat-y)^2/2;
// error: the mean squared error). Both work on a batch of model outputs [B, outputs].
#pragma once

#include <cstdint>

#include "common/tensor.h"

namespace hpsweep {

struct BatchTargets {
  const int32_t* labels = nullptr;  // classification
  const float* values = nullptr;    // regression
};

struct ObjectiveSums {
  double loss = 0;   // summed over the batch
  double error = 0;  // wrong predictions (classification) or squared errors (regression), summed
};

class Objective {
 public:
  // Computes the sums for `outputs` and keeps what backward needs (the softmax probabilities).
  ObjectiveSums forward(const Tensor& outputs, const BatchTargets& targets);
  // d loss / d outputs, scaled by `scale` (1 / global batch size for a mean loss).
  void backward(const Tensor& outputs, const BatchTargets& targets, float scale, Tensor& gradient);

 private:
  Tensor probabilities_;
};

}  // namespace hpsweep
