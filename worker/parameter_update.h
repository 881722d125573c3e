// The end of every training step, the same for every model type: after the gradients are
// summed over the group (so every rank sees the same norm and clips alike), the global
// gradient norm is taken, the gradients are clipped to training.clip_norm, and the optimizer
// steps at the scheduled rate. The norms before clipping make the per-epoch curves
// grad_norm_mean and grad_norm_max.
#pragma once

#include <cstdint>

#include "common/trial_config.h"
#include "worker/model.h"
#include "worker/optimizer.h"

namespace hpsweep {

// Returns the gradient norm before clipping.
double update_parameters(const Model& model, Optimizer& optimizer, const TrainingConfig& config,
                         int64_t epoch);

// The norms of an epoch's steps.
struct GradientNormStats {
  double sum = 0, max = 0;
  int64_t steps = 0;

  void add(double norm) {
    sum += norm;
    // NaN wins, so a broken gradient shows in the curve.
    max = steps == 0 || !(norm <= max) ? norm : max;
    ++steps;
  }
  double mean() const { return sum / static_cast<double>(steps); }
};

}  // namespace hpsweep
