#include "coordinator/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "common/trial.h"

namespace hpsweep {
namespace {

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

}  // namespace

std::string duration_text(double seconds) {
  const int64_t s = std::llround(std::max(seconds, 0.0));
  char buffer[64];
  if (s < 60)
    std::snprintf(buffer, sizeof buffer, "%lld s", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  return buffer;
}

Progress::Progress(std::ostream& out, bool interactive, std::vector<int64_t> planned_epochs,
                   MetricSpec metric, std::chrono::milliseconds line_interval)
    : out_(out),
      interactive_(interactive),
      planned_(std::move(planned_epochs)),
      trained_(planned_.size(), 0),
      finished_(planned_.size(), false),
      total_(static_cast<int64_t>(planned_.size())),
      metric_(std::move(metric)),
      start_(std::chrono::steady_clock::now()),
      line_interval_(line_interval) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

int64_t Progress::epochs_done() const {
  return std::accumulate(trained_.begin(), trained_.end(), int64_t{0});
}

int64_t Progress::epochs_total() const {
  int64_t total = 0;
  for (int64_t id = 0; id < total_; ++id)
    total += finished_[id] ? trained_[id] : std::max(planned_[id], trained_[id]);
  return total;
}

std::optional<double> Progress::eta_seconds() const {
  if (epochs_this_run_ == 0) return std::nullopt;
  return elapsed_seconds() / static_cast<double>(epochs_this_run_) *
         static_cast<double>(epochs_total() - epochs_done());
}

void Progress::trial_started() {
  ++running_;
}

void Progress::note_best(int64_t trial_id, const EpochMetrics& metrics) {
  const double value = curve_value(metrics, metric_.name);
  if (!best_trial_ || (metric_.minimize ? value < best_value_ : value > best_value_)) {
    best_trial_ = trial_id;
    best_value_ = value;
  }
}

void Progress::record_epoch(int64_t trial_id, const EpochMetrics& metrics) {
  note_best(trial_id, metrics);
  trained_[trial_id] = std::max(trained_[trial_id], metrics.epoch);
}

void Progress::record_finished(int64_t trial_id) {
  finished_[trial_id] = true;
  ++done_;
}

void Progress::epoch_finished(int64_t trial_id, const EpochMetrics& metrics) {
  record_epoch(trial_id, metrics);
  ++epochs_this_run_;
  if (interactive_) {
    refresh();
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (last_line_ && now - *last_line_ < line_interval_) return;
  last_line_ = now;
  out_ << "trial " << trial_name(trial_id) << " epoch " << metrics.epoch << "/"
       << planned_[trial_id] << ": " << metric_.name << " "
       << fixed(curve_value(metrics, metric_.name), 4) << "  | " << status_line() << "\n"
       << std::flush;
}

void Progress::trial_retried(int64_t trial_id, const std::string& message) {
  --running_;
  clear();
  out_ << "trial " << trial_name(trial_id) << " failed and will run again: " << message << "\n";
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
  finished_[trial_id] = true;
  trained_[trial_id] = std::max(trained_[trial_id], epochs);
  clear();
  out_ << "trial " << trial_name(trial_id) << " " << status_name(status) << " after " << epochs
       << " epoch" << (epochs == 1 ? "" : "s");
  if (!message.empty()) out_ << ": " << message;
  out_ << "  | " << status_line() << "\n";
  refresh();
}

std::string Progress::status_line() const {
  std::string line = std::to_string(done_) + "/" + std::to_string(total_) + " trials done, " +
                     std::to_string(running_) + " running, epoch " + std::to_string(epochs_done()) +
                     "/" + std::to_string(epochs_total());
  if (best_trial_)
    line += ", best " + metric_.name + " " + fixed(best_value_, 4) + " (trial " +
            trial_name(*best_trial_) + ")";
  line += ", " + duration_text(elapsed_seconds());
  const std::optional<double> eta = eta_seconds();
  if (eta && done_ < total_) line += ", ETA " + duration_text(*eta);
  return line;
}

void Progress::refresh() {
  if (!interactive_) return;
  out_ << "\r\033[K" << status_line() << std::flush;
}

void Progress::clear() {
  if (interactive_) out_ << "\r\033[K";
}

}  // namespace hpsweep
