// The learning rate of each update under training.lr_schedule: a pure function of the trial's
// training config, the epochs finished and the updates made, so a resumed trial (whose
// checkpoint holds both counts) continues with the same rates, and a PBT exploit that changes
// training.lr moves the rest of the schedule with it. The formulas are PyTorch's schedulers in
// closed form (docs/training.md):
//   step       lr * gamma^floor(t / step_size)                       (StepLR)
//   multistep  lr * gamma^(milestones <= t)                          (MultiStepLR)
//   cosine     eta_min + (lr - eta_min) * (1 + cos(pi * t / t_max)) / 2  (CosineAnnealingLR)
// with t the schedule's epoch count. Warm-up over W epochs is LinearLR then the schedule, as
// SequentialLR([LinearLR(start_factor, total_iters=W), schedule], milestones=[W]) chains them:
// epoch e < W trains at lr * (f + (1 - f) * e / W), and the schedule's t is e - W. Warm-up over
// W iterations multiplies the schedule (t = e) by LinearLR's factor at update i:
// f + (1 - f) * min(i, W) / W.
#pragma once

#include <cstdint>

#include "common/trial_config.h"

namespace hpsweep {

// `epoch`: the epochs finished before the update (0 in the first); `update`: the updates made
// before it (0 for the first).
double scheduled_lr(const TrainingConfig& training, int64_t epoch, int64_t update);

}  // namespace hpsweep
