// The terminal view of a running sweep: a status line (trials done/running/total, current
// best) redrawn in place on a terminal, and one line per finished trial.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "common/metrics.h"
#include "common/spec.h"

namespace hpsweep {

class Progress {
 public:
  Progress(std::ostream& out, bool interactive, int64_t total, MetricSpec metric);

  // What a resumed sweep had done before this run: epochs and finished trials.
  void record_epoch(int64_t trial_id, const EpochMetrics& metrics);
  void record_finished() { ++done_; }

  void trial_started();
  // A failed trial that will run again (resources.max_retries).
  void trial_retried(int64_t trial_id, const std::string& message);
  void epoch_finished(int64_t trial_id, const EpochMetrics& metrics);
  // A trial waits at a scheduler's rung or barrier (and may be started again).
  void trial_paused();
  // `was_running` false: a paused trial that the scheduler stops.
  void trial_finished(int64_t trial_id, TrialStatus status, int64_t epochs,
                      const std::string& message, bool was_running = true);
  // Redraws the status line (interactive terminals only).
  void refresh();
  // Clears the status line before other output.
  void clear();

  int64_t done() const { return done_; }
  std::optional<int64_t> best_trial() const { return best_trial_; }
  double best_value() const { return best_value_; }
  double elapsed_seconds() const;

 private:
  std::string status_line() const;

  std::ostream& out_;
  bool interactive_;
  int64_t total_, done_ = 0, running_ = 0;
  MetricSpec metric_;
  std::optional<int64_t> best_trial_;
  double best_value_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace hpsweep
