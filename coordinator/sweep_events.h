// The sweep loop's one stream of events (coordinator/sweep_observer.h): each event goes to
// every listener in the order they were added, so the records (sweep.h5, the journal) see it
// before the views (the progress line, the status server).
#pragma once

#include <vector>

#include "coordinator/sweep_observer.h"

namespace hpsweep {

class SweepEvents final : public SweepObserver {
 public:
  void add(SweepObserver& listener) { listeners_.push_back(&listener); }

  void on_sweep_begin(const SweepSpec& spec, const std::vector<Trial>& trials) override {
    for (SweepObserver* l : listeners_) l->on_sweep_begin(spec, trials);
  }
  void on_trial_status(int64_t trial, TrialStatus status, int64_t epochs,
                       const std::string& message) override {
    for (SweepObserver* l : listeners_) l->on_trial_status(trial, status, epochs, message);
  }
  void on_trial_values(int64_t trial, const Trial& configured) override {
    for (SweepObserver* l : listeners_) l->on_trial_values(trial, configured);
  }
  void on_trial_placed(int64_t trial, const std::string& worker) override {
    for (SweepObserver* l : listeners_) l->on_trial_placed(trial, worker);
  }
  void on_epoch(int64_t trial, const EpochMetrics& metrics) override {
    for (SweepObserver* l : listeners_) l->on_epoch(trial, metrics);
  }
  void on_curves_truncated(int64_t trial, int64_t epochs) override {
    for (SweepObserver* l : listeners_) l->on_curves_truncated(trial, epochs);
  }
  void on_decision(const DecisionRow& decision) override {
    for (SweepObserver* l : listeners_) l->on_decision(decision);
  }
  void on_schedule_row(int64_t trial, const ScheduleRow& row) override {
    for (SweepObserver* l : listeners_) l->on_schedule_row(trial, row);
  }
  void on_attempt_end(const JournalRecord& record) override {
    for (SweepObserver* l : listeners_) l->on_attempt_end(record);
  }
  void on_scheduler_call(const SchedulerCall& call) override {
    for (SweepObserver* l : listeners_) l->on_scheduler_call(call);
  }
  void on_decisions_told() override {
    for (SweepObserver* l : listeners_) l->on_decisions_told();
  }
  void on_consistent() override {
    for (SweepObserver* l : listeners_) l->on_consistent();
  }
  void on_idle() override {
    for (SweepObserver* l : listeners_) l->on_idle();
  }
  void on_stop_requested() override {
    for (SweepObserver* l : listeners_) l->on_stop_requested();
  }
  void on_sweep_end(bool stopped) override {
    for (SweepObserver* l : listeners_) l->on_sweep_end(stopped);
  }

 private:
  std::vector<SweepObserver*> listeners_;
};

}  // namespace hpsweep
