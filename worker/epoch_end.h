// The end of an epoch, the same for trained and simulated trials: the metrics and the best
// epoch go into the trial's state, the observer judges the epoch and gets a checkpoint when one
// is due (checkpoint.every, the last epoch, or a stop), and an observer's failure (the leader's
// checkpoint write) is kept so that the whole group stops at its next vote.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "worker/trainer.h"

namespace hpsweep {

class Model;
class Optimizer;

// The trial's state at its start: the checkpoint it resumes from, loaded into `model` and
// `optimizer`, or a fresh one; with the trial's id, seed and metric. Shared by the trainers.
CheckpointData starting_state(const Trial& trial, const TrialStart& start, Model& model,
                              Optimizer& optimizer);

// `snapshot(state, checkpoint_due)` fills state.params with the trial's parameters now (and,
// when a checkpoint is due, whatever else it holds, e.g. the optimizer's state); it is called
// when a checkpoint is due or the epoch is the best so far (tracked only when the trial's
// checkpoint.keep may keep /best: state.has_best). Returns how the trial ends after
// this epoch, or nullopt when it goes on (or this was its last epoch).
std::optional<TrialOutcome> end_epoch(
    const Trial& trial, const EpochMetrics& metrics, CheckpointData& state, TrialObserver& observer,
    std::string& observer_error,
    const std::function<void(CheckpointData& state, bool checkpoint_due)>& snapshot);

}  // namespace hpsweep
