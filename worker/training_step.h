// What every trainer (classifier, detector, language model) does around its own batch, forward
// pass and loss: the group's vote after the forward pass, then backward, the gradient sum and
// the update; and the figures of an epoch that do not depend on the model type.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "worker/gradient_reducer.h"
#include "worker/model.h"
#include "worker/optimizer.h"
#include "worker/parameter_update.h"
#include "worker/trainer.h"
#include "worker/training_group.h"

namespace hpsweep {

// Sums this rank's statistics of the step (`stats`, e.g. its shard's loss and errors) over the
// group, together with one stop vote: a stop request, or an observer's error (the leader's
// checkpoint write failed), which must stop the whole group at the same step. When any rank
// voted, returns how the trial ends: failed with the error, or interrupted after the last
// whole epoch. Every rank sees the same sums, so the group agrees on divergence too.
std::optional<TrialOutcome> sum_step_and_votes(TrainingGroup& group, std::span<double> stats,
                                               const std::atomic<bool>& stop,
                                               const std::string& observer_error, int64_t epoch);

// Backward from the loss gradient `doutputs`, the group's gradient sum, and the update (clipping
// and the scheduled rate); returns the gradient norm before clipping. A group of one abandons
// the step between layers when `solo_stop` is set (StepCancelled): until the update, nothing
// of the step is applied.
double backward_and_update(Model& model, const Tensor& doutputs, GradientReducer& reducer,
                           Optimizer& optimizer, const TrainingConfig& config, int64_t epoch,
                           const std::atomic<bool>* solo_stop);

// An epoch's clock: the training loop's time, then the whole epoch's with evaluation.
class EpochTimer {
 public:
  double seconds() const;

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The figures every trainer's epoch has: wall time, training throughput (`samples` over the
// loop's `train_seconds`), the rate and the gradient norms.
void add_epoch_figures(EpochMetrics& metrics, const EpochTimer& timer, double samples,
                       double train_seconds, const Optimizer& optimizer,
                       const GradientNormStats& norms);

// How a trial whose epochs all ran ends: completed, unless the observer failed at the last.
TrialOutcome after_last_epoch(const TrainingConfig& config, const std::string& observer_error);

}  // namespace hpsweep
