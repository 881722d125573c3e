#include "worker/kernels/squared_loss.h"

namespace hpsweep {

SquaredLossSums squared_loss_forward(const float* predictions, const float* targets, int64_t n) {
  SquaredLossSums sums;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(predictions[i]) - targets[i];
    sums.squared_error += d * d;
  }
  sums.loss = sums.squared_error / 2;
  return sums;
}

void squared_loss_backward(const float* predictions, const float* targets, int64_t n, float scale,
                           float* dpredictions) {
  for (int64_t i = 0; i < n; ++i) dpredictions[i] = (predictions[i] - targets[i]) * scale;
}

}  // namespace hpsweep
