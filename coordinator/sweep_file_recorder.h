// sweep.h5 as a listener of the sweep's events: each change goes into the file in memory, and
// the file on disk is replaced at consistent moments, paced so that writing it never takes
// more than about 2% of the coordinator's time (storage/sweep_file.h writes the whole image).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "coordinator/sweep_observer.h"
#include "storage/sweep_file.h"

namespace hpsweep {

class SweepFileRecorder final : public SweepObserver {
 public:
  explicit SweepFileRecorder(SweepWriter& writer) : writer_(writer) {}

  void on_trial_status(int64_t trial, TrialStatus status, int64_t epochs,
                       const std::string& message) override;
  void on_trial_values(int64_t trial, const Trial& configured) override;
  void on_epoch(int64_t trial, const EpochMetrics& metrics) override;
  void on_curves_truncated(int64_t trial, int64_t epochs) override;
  void on_decision(const DecisionRow& decision) override;
  void on_schedule_row(int64_t trial, const ScheduleRow& row) override;
  void on_consistent() override;
  void on_sweep_end(bool stopped) override;

  // When a paced write is due, if one is; the loop waits for events no longer than that.
  std::optional<std::chrono::steady_clock::time_point> write_due() const { return write_due_; }
  void write_if_due();

  int64_t writes() const { return writes_; }
  double write_seconds() const { return write_seconds_; }

 private:
  void write_now();

  SweepWriter& writer_;
  bool changed_ = false;
  std::chrono::steady_clock::time_point last_write_;
  std::optional<std::chrono::steady_clock::time_point> write_due_;
  int64_t writes_ = 0;
  double write_seconds_ = 0;
};

}  // namespace hpsweep
