#include "worker/objective.h"

#include "worker/kernels/softmax_cross_entropy.h"
#include "worker/kernels/squared_loss.h"

namespace hpsweep {

ObjectiveSums Objective::forward(const Tensor& outputs, const BatchTargets& targets) {
  const int64_t batch = outputs.dim(0);
  if (targets.values) {
    const SquaredLossSums sums =
        squared_loss_forward(outputs.data(), targets.values, outputs.size());
    return {sums.loss, sums.squared_error};
  }
  probabilities_.resize(outputs.shape());
  const LossSums sums = softmax_cross_entropy_forward(outputs.data(), targets.labels, batch,
                                                      outputs.dim(1), probabilities_.data());
  return {sums.loss, static_cast<double>(sums.errors)};
}

void Objective::backward(const Tensor& outputs, const BatchTargets& targets, float scale,
                         Tensor& gradient) {
  gradient.resize(outputs.shape());
  if (targets.values) {
    squared_loss_backward(outputs.data(), targets.values, outputs.size(), scale, gradient.data());
    return;
  }
  softmax_cross_entropy_backward(probabilities_.data(), targets.labels, outputs.dim(0),
                                 outputs.dim(1), scale, gradient.data());
}

}  // namespace hpsweep
