#include "coordinator/progress_listener.h"

namespace hpsweep {

void ProgressListener::on_trial_status(int64_t trial, TrialStatus status, int64_t epochs,
                                       const std::string& message) {
  const bool was_running = running_[trial];
  running_[trial] = status == TrialStatus::running;
  switch (status) {
    case TrialStatus::running:
      return progress_.trial_started();
    case TrialStatus::paused:
      if (was_running) progress_.trial_paused();
      return;
    case TrialStatus::pending:  // a retry (from a worker), or a trial trained again
      if (was_running) progress_.trial_retried(trial, message);
      return;
    default:
      return progress_.trial_finished(trial, status, epochs, message, was_running);
  }
}

void ProgressListener::on_epoch(int64_t trial, const EpochMetrics& metrics) {
  progress_.epoch_finished(trial, metrics);
}

}  // namespace hpsweep
