// What the sweep loop tells its listeners: every change it makes, as one stream of events
// (coordinator/sweep_events.h), in the order made. The listeners are the sweep's records and
// views: sweep.h5 (coordinator/sweep_file_recorder.h), the journal (journal_recorder.h), the
// progress line (progress_listener.h) and the live status server (status/status_board.h). Each
// overrides what it needs. They are called on the coordinator's thread, so a listener must
// return quickly and never wait for a reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/spec.h"
#include "common/trial.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"

namespace hpsweep {

class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  // Before any other call; a resumed sweep's recovered epochs and statuses follow as calls.
  virtual void on_sweep_begin(const SweepSpec&, const std::vector<Trial>&) {}
  // A trial's status as sweep.h5 records it (a retried trial is `pending` again, with the
  // reason), with the epochs it has trained (running: the epoch it continues from).
  virtual void on_trial_status(int64_t /*trial*/, TrialStatus, int64_t /*epochs*/,
                               const std::string& /*message*/) {}
  // method bayes: the trial's swept values, suggested as it starts (before its decision).
  virtual void on_trial_values(int64_t /*trial*/, const Trial&) {}
  // The trial has started on this worker (WorkerPool::worker_name).
  virtual void on_trial_placed(int64_t /*trial*/, const std::string& /*worker*/) {}
  virtual void on_epoch(int64_t /*trial*/, const EpochMetrics&) {}
  // A retried or rewound trial redoes the epochs after `epochs`.
  virtual void on_curves_truncated(int64_t /*trial*/, int64_t /*epochs*/) {}
  virtual void on_decision(const DecisionRow&) {}
  // PBT: the hyperparameters and weights' source of one of the trial's epochs.
  virtual void on_schedule_row(int64_t /*trial*/, const ScheduleRow&) {}
  // How one attempt at a trial ended (a status the journal keeps), and every call made on the
  // trial scheduler or exploit copy done: what a resumed sweep replays.
  virtual void on_attempt_end(const JournalRecord&) {}
  virtual void on_scheduler_call(const SchedulerCall&) {}
  // The scheduler's new decisions are all told; they take effect when this returns.
  virtual void on_decisions_told() {}
  // Every change of one event is told: a consistent moment to show readers.
  virtual void on_consistent() {}
  // No event came for a while.
  virtual void on_idle() {}
  // A stop was asked for: running trials abandon their step.
  virtual void on_stop_requested() {}
  // The loop has ended: every trial has, or a stop was asked for.
  virtual void on_sweep_end(bool /*stopped*/) {}
};

}  // namespace hpsweep
