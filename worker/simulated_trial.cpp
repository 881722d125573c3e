#include "worker/simulated_trial.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "common/error.h"
#include "worker/epoch_end.h"
#include "worker/simulated_curve.h"

namespace hpsweep {
namespace {

using Clock = std::chrono::steady_clock;

// An epoch sleeps in slices of at most this long and the group votes after each, so a stop
// request is honoured within a slice even for long simulated epochs.
constexpr double kSliceSeconds = 0.1;

NamedTensor error_parameter(double error) {
  Tensor t({1});
  t[0] = static_cast<float>(error);
  return {"error", std::move(t)};
}

// Sleeps through one epoch; false when the group voted to stop (`stop` is set, or this rank
// is `failing`: its observer threw, and the whole group must end together).
bool sleep_epoch(double seconds, const std::atomic<bool>& stop, bool failing,
                 TrainingGroup& group) {
  const auto start = Clock::now();
  const int64_t slices =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds / kSliceSeconds)));
  for (int64_t k = 1; k <= slices; ++k) {
    std::this_thread::sleep_until(
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                    seconds * static_cast<double>(k) / static_cast<double>(slices))));
    double votes = stop.load(std::memory_order_relaxed) || failing ? 1.0 : 0.0;
    group.sum(&votes, 1);
    if (votes > 0) return false;
  }
  return true;
}

TrialOutcome simulate(const Trial& trial, const TrialStart& start, TrialObserver& observer,
                      const std::atomic<bool>& stop, TrainingGroup& group) {
  const int64_t epochs = trial.config.training.epochs;
  const CurveShape shape =
      hashed_curves(static_cast<uint64_t>(trial.config.simulated.seed))(trial.swept);
  CheckpointData state;
  double error = shape.start;
  if (start.resume) {
    state = *start.resume;
    if (state.params.size() != 1 || state.params[0].name != "error")
      throw UserError("the checkpoint to resume from is not a simulated trial's");
    error = state.params[0].tensor[0];
  }
  state.trial_id = trial.id;
  state.seed = trial.seed;
  state.metric_name = trial.metric.name;
  std::string observer_error;
  for (int64_t epoch = state.epoch + 1; epoch <= epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    if (!sleep_epoch(trial.config.simulated.epoch_seconds, stop, !observer_error.empty(), group)) {
      if (!observer_error.empty()) return {TrialStatus::failed, epoch - 1, observer_error};
      return {TrialStatus::interrupted, epoch - 1, "stopped (signal or --time-limit)"};
    }
    error = next_error(shape, error);
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.train_loss = metrics.train_error = metrics.test_loss = metrics.test_error = error;
    // The curve stands in for every curve the spec asks for, so any metric can drive a
    // scheduler.
    const DatasetConfig& d = trial.config.dataset;
    if (d.validation > 0 || d.kfold > 0) metrics.val_loss = metrics.val_error = error;
    if (trial.config.training.eval_train != 0)
      metrics.train_eval_loss = metrics.train_eval_error = error;
    metrics.wall_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();

    const auto snapshot = [&](CheckpointData& s, bool) { s.params = {error_parameter(error)}; };
    if (auto end = end_epoch(trial, metrics, state, observer, observer_error, snapshot))
      return *end;
  }
  if (!observer_error.empty()) return {TrialStatus::failed, epochs, observer_error};
  return {TrialStatus::completed, epochs, ""};
}

}  // namespace

TrialOutcome run_simulated_trial(const Trial& trial, const TrialStart& start,
                                 TrialObserver& observer, const std::atomic<bool>& stop,
                                 TrainingGroup& group) {
  try {
    return simulate(trial, start, observer, stop, group);
  } catch (const std::exception& e) {
    // One rank of several cannot fail the trial alone: its peers would wait for it in the
    // group's next collective. The error ends the job instead (cluster/job_watch.h); a rerun
    // resumes.
    if (group.size() > 1) throw;
    return {TrialStatus::failed, 0, e.what()};
  }
}

}  // namespace hpsweep
