#include "coordinator/progress.h"

#include <cstdio>

#include "common/trial.h"

namespace hpsweep {
namespace {

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

}  // namespace

Progress::Progress(std::ostream& out, bool interactive, int64_t total, MetricSpec metric)
    : out_(out),
      interactive_(interactive),
      total_(total),
      metric_(std::move(metric)),
      start_(std::chrono::steady_clock::now()) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::trial_started() {
  ++running_;
}

void Progress::record_epoch(int64_t trial_id, const EpochMetrics& metrics) {
  const double value = curve_value(metrics, metric_.name);
  if (!best_trial_ || (metric_.minimize ? value < best_value_ : value > best_value_)) {
    best_trial_ = trial_id;
    best_value_ = value;
  }
}

void Progress::epoch_finished(int64_t trial_id, const EpochMetrics& metrics) {
  record_epoch(trial_id, metrics);
  refresh();
}

void Progress::trial_retried(int64_t trial_id, const std::string& message) {
  --running_;
  clear();
  out_ << "trial " << trial_name(trial_id) << " failed (" << message << "); it will run again\n";
  refresh();
}

void Progress::trial_paused() {
  --running_;
  refresh();
}

void Progress::trial_finished(int64_t trial_id, TrialStatus status, int64_t epochs,
                              const std::string& message, bool was_running) {
  running_ -= was_running;
  ++done_;
  clear();
  out_ << "trial " << trial_name(trial_id) << " " << status_name(status) << " after " << epochs
       << " epoch" << (epochs == 1 ? "" : "s");
  if (!message.empty()) out_ << ": " << message;
  out_ << "  | " << status_line() << "\n";
  refresh();
}

std::string Progress::status_line() const {
  std::string line = std::to_string(done_) + "/" + std::to_string(total_) + " done, " +
                     std::to_string(running_) + " running";
  if (best_trial_)
    line += ", best " + metric_.name + " " + fixed(best_value_, 4) + " (trial " +
            trial_name(*best_trial_) + ")";
  return line + ", " + fixed(elapsed_seconds(), 0) + " s";
}

void Progress::refresh() {
  if (!interactive_) return;
  out_ << "\r\033[K" << status_line() << std::flush;
}

void Progress::clear() {
  if (interactive_) out_ << "\r\033[K";
}

}  // namespace hpsweep
