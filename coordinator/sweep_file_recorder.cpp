#include "coordinator/sweep_file_recorder.h"

#include <algorithm>

namespace hpsweep {
namespace {

// sweep.h5 is a view for readers while the sweep runs (resuming rebuilds it from the journal
// and checkpoints). A change is written at once, unless the last write was less than this
// long ago: then with the changes that follow, this long after it. Writing every change made
// it most of the coordinator's time with trials of a fraction of a second. A write replaces the
// whole file's image, so the interval also grows to kWriteCostFactor times the last write's
// duration: at most 2% of the coordinator's time however big sweep.h5 grows.
constexpr std::chrono::milliseconds kWriteInterval{50};
constexpr double kWriteCostFactor = 50;

}  // namespace

void SweepFileRecorder::on_trial_status(int64_t trial, TrialStatus status, int64_t,
                                        const std::string& message) {
  writer_.set_status(trial, status, message);
  changed_ = true;
}

void SweepFileRecorder::on_trial_values(int64_t, const Trial& configured) {
  writer_.set_values(configured);
  changed_ = true;
}

void SweepFileRecorder::on_epoch(int64_t trial, const EpochMetrics& metrics) {
  writer_.append_epoch(trial, metrics);
  changed_ = true;
}

void SweepFileRecorder::on_curves_truncated(int64_t trial, int64_t epochs) {
  writer_.truncate_curves(trial, epochs);
  changed_ = true;
}

void SweepFileRecorder::on_decision(const DecisionRow& decision) {
  writer_.append_decision(decision);
  changed_ = true;
}

void SweepFileRecorder::on_schedule_row(int64_t trial, const ScheduleRow& row) {
  writer_.append_schedule(trial, row);
  changed_ = true;
}

void SweepFileRecorder::on_consistent() {
  if (!changed_ || write_due_) return;
  const auto interval = std::max<std::chrono::steady_clock::duration>(
      kWriteInterval,
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(kWriteCostFactor * writer_.last_flush_seconds())));
  if (std::chrono::steady_clock::now() - last_write_ >= interval)
    write_now();
  else
    write_due_ = last_write_ + interval;
}

void SweepFileRecorder::write_if_due() {
  if (write_due_ && std::chrono::steady_clock::now() >= *write_due_) write_now();
}

void SweepFileRecorder::on_sweep_end(bool) {
  if (changed_) write_now();
}

void SweepFileRecorder::write_now() {
  writer_.flush();
  ++writes_;
  write_seconds_ += writer_.last_flush_seconds();
  last_write_ = std::chrono::steady_clock::now();
  write_due_.reset();
  changed_ = false;
}

}  // namespace hpsweep
