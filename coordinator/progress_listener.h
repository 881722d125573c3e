// The progress line (coordinator/progress.h) as a listener of the sweep's events: a trial's
// status changes say when it starts, pauses, fails to be retried or finishes, and whether it
// was running then.
#pragma once

#include <vector>

#include "coordinator/progress.h"
#include "coordinator/sweep_observer.h"

namespace hpsweep {

class ProgressListener final : public SweepObserver {
 public:
  ProgressListener(Progress& progress, size_t trials)
      : progress_(progress), running_(trials, false) {}

  void on_trial_status(int64_t trial, TrialStatus status, int64_t epochs,
                       const std::string& message) override;
  void on_epoch(int64_t trial, const EpochMetrics& metrics) override;
  void on_idle() override { progress_.refresh(); }
  void on_stop_requested() override { progress_.clear(); }
  void on_sweep_end(bool) override { progress_.clear(); }

 private:
  Progress& progress_;
  std::vector<bool> running_;  // on a worker in this run
};

}  // namespace hpsweep
