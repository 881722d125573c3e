#include "worker/training_step.h"

#include <algorithm>
#include <array>

#include "common/error.h"
#include "common/failpoint.h"
#include "worker/kernels/stop_check.h"

namespace hpsweep {

std::optional<TrialOutcome> sum_step_and_votes(TrainingGroup& group, std::span<double> stats,
                                               const std::atomic<bool>& stop,
                                               const std::string& observer_error, int64_t epoch) {
  // On the stack: this runs every step. The trainers sum at most three statistics.
  std::array<double, 4> sums{};
  if (stats.size() >= sums.size()) throw Error("sum_step_and_votes: too many step statistics");
  std::copy(stats.begin(), stats.end(), sums.begin());
  const bool stop_here = stop.load(std::memory_order_relaxed) || !observer_error.empty();
  sums[stats.size()] = stop_here ? 1.0 : 0.0;
  group.sum(sums.data(), static_cast<int>(stats.size() + 1));
  std::copy(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(stats.size()), stats.begin());
  if (sums[stats.size()] == 0) return std::nullopt;
  if (!observer_error.empty()) return TrialOutcome{TrialStatus::failed, epoch - 1, observer_error};
  return TrialOutcome{TrialStatus::interrupted, epoch - 1, kStoppedTrialMessage};
}

double backward_and_update(Model& model, const Tensor& doutputs, GradientReducer& reducer,
                           Optimizer& optimizer, const TrainingConfig& config, int64_t epoch,
                           const std::atomic<bool>* solo_stop) {
  model.backward(doutputs, reducer, solo_stop);
  reducer.finish();
  throw_if_stopped(solo_stop);  // the last moment the step can still be abandoned whole
  const double norm = update_parameters(model, optimizer, config, epoch);
  failpoint("training-step");
  return norm;
}

double EpochTimer::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void add_epoch_figures(EpochMetrics& metrics, const EpochTimer& timer, double samples,
                       double train_seconds, const Optimizer& optimizer,
                       const GradientNormStats& norms) {
  metrics.wall_seconds = timer.seconds();
  metrics.samples_per_second = samples / train_seconds;
  metrics.lr = optimizer.lr();
  metrics.grad_norm_mean = norms.mean();
  metrics.grad_norm_max = norms.max;
}

TrialOutcome after_last_epoch(const TrainingConfig& config, const std::string& observer_error) {
  if (!observer_error.empty()) return {TrialStatus::failed, config.epochs, observer_error};
  return {TrialStatus::completed, config.epochs, ""};
}

}  // namespace hpsweep
