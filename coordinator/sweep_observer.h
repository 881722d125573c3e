// What a sweep tells its listeners besides its own records (sweep.h5, journal, progress line):
// the live status server (status/status_board.h) is one. The coordinator calls them on its
// own thread at the points where it records the same facts, so a listener must return quickly
// and never wait for a reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/spec.h"
#include "common/trial.h"
#include "storage/sweep_file.h"

namespace hpsweep {

class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  // Before any other call; a resumed sweep's recovered epochs and statuses follow as calls.
  virtual void on_sweep_begin(const SweepSpec& spec, const std::vector<Trial>& trials) = 0;
  // As sweep.h5 records it (a retried trial is `pending` again, with the reason).
  virtual void on_trial_status(int64_t trial, TrialStatus status, const std::string& message) = 0;
  // The trial has started on this worker (WorkerPool::worker_name).
  virtual void on_trial_placed(int64_t trial, const std::string& worker) = 0;
  virtual void on_epoch(int64_t trial, const EpochMetrics& metrics) = 0;
  // A retried trial redoes the epochs after `epochs`.
  virtual void on_curves_truncated(int64_t trial, int64_t epochs) = 0;
  virtual void on_decision(const DecisionRow& decision) = 0;
  // The loop has ended: every trial has, or a stop was asked for.
  virtual void on_sweep_end(bool stopped) = 0;
};

// For a sweep without listeners.
class IgnoringObserver final : public SweepObserver {
 public:
  void on_sweep_begin(const SweepSpec&, const std::vector<Trial>&) override {}
  void on_trial_status(int64_t, TrialStatus, const std::string&) override {}
  void on_trial_placed(int64_t, const std::string&) override {}
  void on_epoch(int64_t, const EpochMetrics&) override {}
  void on_curves_truncated(int64_t, int64_t) override {}
  void on_decision(const DecisionRow&) override {}
  void on_sweep_end(bool) override {}
};

}  // namespace hpsweep
