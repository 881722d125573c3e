// Squared loss for regression, as d2l defines it: l = (y_hat - y)^2 / 2 per sample.
#pragma once

#include <cstdint>

namespace hpsweep {

struct SquaredLossSums {
  double loss = 0;           // sum of (y_hat - y)^2 / 2
  double squared_error = 0;  // sum of (y_hat - y)^2
};

SquaredLossSums squared_loss_forward(const float* predictions, const float* targets, int64_t n);

// dpredictions = (predictions - targets) * scale; scale is 1/B for a mean loss.
void squared_loss_backward(const float* predictions, const float* targets, int64_t n, float scale,
                           float* dpredictions);

}  // namespace hpsweep
