// The terminal view of a running sweep: a status line (trials done/running/total, epochs done
// of the sweep's epochs, current best, elapsed time and an ETA) and one line per finished
// trial. On a terminal the status line is redrawn in place after every epoch; in a log (a
// file, a pipe, mpirun's forwarding) each epoch gets a line of its own instead, at most one per
// `line_interval`, so a log reads top to bottom without carriage returns.
//
// The ETA: the epochs still to train (each unfinished trial's training.epochs less what it has
// trained; a trial a scheduler stops early gives back its remaining epochs) times the mean wall
// time per epoch of this run (elapsed / epochs finished since it started, all workers
// together). It assumes every trial trains to its last epoch and epochs of equal cost.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/spec.h"

namespace hpsweep {

class Progress {
 public:
  static constexpr std::chrono::milliseconds kDefaultLineInterval{1000};

  // `planned_epochs[id]`: the epochs trial `id` trains when nothing stops it.
  Progress(std::ostream& out, bool interactive, std::vector<int64_t> planned_epochs,
           MetricSpec metric, std::chrono::milliseconds line_interval = kDefaultLineInterval);

  // What a resumed sweep had done before this run: epochs and finished trials.
  void record_epoch(int64_t trial_id, const EpochMetrics& metrics);
  void record_finished(int64_t trial_id);

  void trial_started();
  // A failed trial that will run again (resources.max_retries); `message` says which retry
  // and after what.
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
  // Epochs trained (before and in this run) and the sweep's epochs in all.
  int64_t epochs_done() const;
  int64_t epochs_total() const;
  // Seconds left, once an epoch has finished in this run.
  std::optional<double> eta_seconds() const;

  std::string status_line() const;

 private:
  void note_best(int64_t trial_id, const EpochMetrics& metrics);

  std::ostream& out_;
  bool interactive_;
  std::vector<int64_t> planned_, trained_;
  std::vector<bool> finished_;
  int64_t total_, done_ = 0, running_ = 0, epochs_this_run_ = 0;
  MetricSpec metric_;
  std::optional<int64_t> best_trial_;
  double best_value_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::milliseconds line_interval_;
  std::optional<std::chrono::steady_clock::time_point> last_line_;
};

// "42 s", "3m05s", "2h07m": a duration for people, to the second below an hour.
std::string duration_text(double seconds);

}  // namespace hpsweep
