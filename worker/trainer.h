// The training loop of one trial: builds the model, trains it epoch by epoch, evaluates on the
// test set, and reports each epoch (metrics and a checkpoint snapshot) to an observer. It never
// touches files: the coordinator side stores what it reports.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "common/metrics.h"
#include "common/trial.h"
#include "worker/data/dataset.h"
#include "worker/model.h"
#include "worker/training_group.h"

namespace hpsweep {

class TrialObserver {
 public:
  virtual ~TrialObserver() = default;
  // After every epoch; `checkpoint` holds the trial's state when a checkpoint is due
  // (checkpoint.every, and always after the last epoch).
  virtual void on_epoch(const EpochMetrics& metrics, std::optional<CheckpointData> checkpoint) = 0;
  // Before on_epoch: whether to train past this epoch. A scheduled sweep's coordinator judges
  // the epoch (blocking until it has); false ends the trial after it, with a checkpoint of it
  // whatever checkpoint.every says and status `stopped` (the coordinator knows why).
  virtual bool proceed(const EpochMetrics&) { return true; }
};

// Where a trial starts: fresh (weights drawn from its seed), from the parameters of a
// training.finetune.from checkpoint, or resumed after its own last checkpoint, with everything
// restored (parameters, best so far, optimizer, curves) so that the rest of the run is bitwise the
// one that was interrupted.
struct TrialStart {
  const CheckpointData* init_from = nullptr;  // training.finetune.from
  const CheckpointData* resume = nullptr;
  std::string out_dir;  // the sweep folder, where a command trial keeps its program's output
};

// The message of an interrupted trial.
inline constexpr const char* kStoppedTrialMessage = "stopped (signal or --time-limit)";

struct TrialOutcome {
  TrialStatus status = TrialStatus::completed;
  int64_t epoch = 0;    // last epoch finished (diverged: the epoch in which the loss broke)
  std::string message;  // for failed and diverged trials
};

// The order in which an epoch visits the training samples: a function of the trial seed and
// the epoch only, so a resumed or re-split trial sees the same order.
std::vector<int64_t> epoch_order(int64_t samples, bool shuffle, uint64_t seed, int64_t epoch);

// Model outputs for a dataset: one per class, or one for regression (classes == 0).
int64_t model_outputs(int64_t classes);

// Builds the trial's model with training.finetune applied (worker/finetune.h) and sets its
// parameters: from `init` (training.finetune.from) when given, except the reinit layers, which
// are freshly drawn from the trial seed as everything is without `init`. Throws UserError when
// `init` does not fit the architecture or a finetune prefix names no parameter.
Model build_trial_model(const Trial& trial, const Shape& sample_shape, int64_t outputs,
                        const CheckpointData* init);

// Runs the whole trial on this rank's share of `group`; every rank of the group calls it with
// the same arguments. Never throws: an exception becomes a failed outcome with its message, and
// an exception from the observer (the leader's checkpoint write) stops the whole group at the
// next step. A group of one checks `stop` between layers and between a convolution's chunks of
// samples, abandoning the step or evaluation in flight (nothing of it is applied; the outcome
// is `interrupted` at the last finished epoch); a larger group votes on `stop` at every step,
// after the forward pass, and stops together when any rank votes so.
TrialOutcome run_trial(const Trial& trial, const TrainTestData& data, const TrialStart& start,
                       TrialObserver& observer, const std::atomic<bool>& stop,
                       TrainingGroup& group);

// What both worker pools call: run_simulated_trial (worker/simulated_trial.h) for
// `model.type: simulated` and run_command_trial (worker/command_trial.h) for `command`, which
// need no data; else run_trial on the trial's dataset in
// `catalog`, which must hold it.
TrialOutcome run_trial_of_its_type(const Trial& trial, const DataCatalog& catalog,
                                   const TrialStart& start, TrialObserver& observer,
                                   const std::atomic<bool>& stop, TrainingGroup& group);

}  // namespace hpsweep
