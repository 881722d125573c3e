#include "worker/epoch_end.h"

#include "worker/model_state.h"
#include "worker/optimizer.h"

namespace hpsweep {

CheckpointData starting_state(const Trial& trial, const TrialStart& start, Model& model,
                              Optimizer& optimizer) {
  CheckpointData state;
  if (start.resume) {
    state = *start.resume;
    load_parameters(model, state.params, "the checkpoint to resume from");
    optimizer.load_state(state.optimizer, model, "the checkpoint to resume from");
  }
  state.trial_id = trial.id;
  state.seed = trial.seed;
  state.metric_name = trial.metric.name;
  return state;
}

std::optional<TrialOutcome> end_epoch(
    const Trial& trial, const EpochMetrics& metrics, CheckpointData& state, TrialObserver& observer,
    std::string& observer_error,
    const std::function<void(CheckpointData& state, bool checkpoint_due)>& snapshot) {
  const int64_t epoch = metrics.epoch, epochs = trial.config.training.epochs;
  state.epoch = epoch;
  state.history.push_back(metrics);
  const double value = curve_value(metrics, trial.metric.name);
  // Under checkpoint.keep last or none no checkpoint ever holds /best, not even while the trial
  // runs: nothing would keep it, and resuming does not need it (docs/spec.md).
  const std::string& keep = trial.config.checkpoint.keep;
  state.has_best = keep == "both" || keep == "best";
  const bool best =
      state.has_best && (epoch == 1 || (trial.metric.minimize ? value < state.best_metric
                                                              : value > state.best_metric));
  if (best) {
    state.best_epoch = epoch;
    state.best_metric = value;
  }
  const bool go_on = observer.proceed(metrics) && epoch < epochs;
  const bool checkpoint_due = epoch % trial.config.checkpoint.every == 0 || !go_on;
  if (checkpoint_due || best) snapshot(state, checkpoint_due);
  if (best) state.best_params = state.params;  // shares the snapshot's storage; read-only
  try {
    observer.on_epoch(metrics,
                      checkpoint_due ? std::optional<CheckpointData>(state) : std::nullopt);
  } catch (const std::exception& e) {
    observer_error = e.what();
  }
  if (go_on || epoch == epochs) return std::nullopt;
  if (!observer_error.empty()) return TrialOutcome{TrialStatus::failed, epoch, observer_error};
  return TrialOutcome{TrialStatus::stopped, epoch, ""};
}

}  // namespace hpsweep
