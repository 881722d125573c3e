// One trial as the sweep loop sees it, in one record: what a resumed sweep found of it (and
// what retries change of that), what the scheduler has heard and decided about it, and what
// its worker is doing with it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/metrics.h"
#include "common/trial.h"
#include "coordinator/schedulers/scheduler.h"
#include "coordinator/sweep_recovery.h"

namespace hpsweep {

struct TrialState {
  TrialRecovery found;  // on resume (default: not started); retries move its resume_epoch
  TrialStatus status = TrialStatus::pending;  // as told to the listeners
  int64_t recorded_epochs = 0;                // in the curves
  int64_t checkpointed = 0;                   // the epoch its checkpoint holds
  int64_t copied_from = -1, copied_at = 0;    // its checkpoint's PBT lineage (CheckpointData's)

  // The scheduler's side.
  int64_t reported = 0;              // the last epoch the scheduler heard
  std::optional<Verdict> verdict;    // of the current run, when it ends the run
  // The values it trains with over its own: PBT's of its last exploit, or bayes' suggestion.
  std::vector<SweptValue> explored;
  std::vector<size_t> starts;        // PBT: its start and exploit decisions, by index
  int64_t catch_up = 0;              // > 0: train again up to this verdict's epoch (its
                                     // checkpoint was lost in a kill, or held later
                                     // epochs) and stop there

  // The worker's side.
  bool on_worker = false;
  int64_t launched_from = 0;  // the epoch the current run started from
  bool held = false;          // stopped for an exploit's copy, though the scheduler said go on
};

// The scheduler hears the trial's `epoch`; a verdict that ends the run is kept.
Verdict hear_epoch(Scheduler& scheduler, int64_t id, TrialState& trial, int64_t epoch,
                   double value);

}  // namespace hpsweep
