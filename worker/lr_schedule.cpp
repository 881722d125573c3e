#include "worker/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hpsweep {
namespace {

// The schedule without warm-up at its epoch t >= 0. Each expression keeps PyTorch's order of
// operations (its _get_closed_form_lr), so the doubles agree exactly.
double schedule_lr(const TrainingConfig& training, int64_t t) {
  const LrScheduleConfig& s = training.lr_schedule;
  const double base = training.lr;
  if (s.type == "step") return base * std::pow(s.gamma, static_cast<double>(t / s.step_size));
  if (s.type == "multistep") {
    const auto passed = std::upper_bound(s.milestones.begin(), s.milestones.end(), t);
    return base * std::pow(s.gamma, static_cast<double>(passed - s.milestones.begin()));
  }
  if (s.type == "cosine") {
    // t_max unset: the schedule spans the epochs after the warm-up.
    const int64_t t_max =
        s.t_max > 0 ? s.t_max : std::max<int64_t>(1, training.epochs - s.warmup_epochs);
    const double angle = std::numbers::pi * static_cast<double>(t) / static_cast<double>(t_max);
    return s.eta_min + (base - s.eta_min) * (1 + std::cos(angle)) / 2;
  }
  return base;
}

// LinearLR's factor after `done` of `total` steps, end_factor 1.
double warmup_factor(double start_factor, int64_t done, int64_t total) {
  return start_factor + (1.0 - start_factor) * static_cast<double>(std::min(total, done)) /
                            static_cast<double>(total);
}

}  // namespace

double scheduled_lr(const TrainingConfig& training, int64_t epoch, int64_t update) {
  const LrScheduleConfig& s = training.lr_schedule;
  if (s.warmup_epochs > 0) {
    if (epoch < s.warmup_epochs)
      return training.lr * warmup_factor(s.warmup_start_factor, epoch, s.warmup_epochs);
    return schedule_lr(training, epoch - s.warmup_epochs);
  }
  if (s.warmup_iterations > 0)
    return schedule_lr(training, epoch) *
           warmup_factor(s.warmup_start_factor, update, s.warmup_iterations);
  return schedule_lr(training, epoch);
}

}  // namespace hpsweep
