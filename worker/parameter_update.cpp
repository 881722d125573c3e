#include "worker/parameter_update.h"

#include "worker/gradient_clipping.h"
#include "worker/lr_schedule.h"

namespace hpsweep {

double update_parameters(const Model& model, Optimizer& optimizer, const TrainingConfig& config,
                         int64_t epoch) {
  const double norm = gradient_norm(model);
  if (config.clip_norm > 0) clip_gradients(model, config.clip_norm, norm);
  optimizer.set_lr(scheduled_lr(config, epoch - 1, optimizer.steps()));
  optimizer.step(model);
  return norm;
}

}  // namespace hpsweep
