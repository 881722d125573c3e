// The journal as a listener of the sweep's events: how each trial attempt ended, and every call
// made on the trial scheduler (storage/journal.h). It is synced to disk once the decisions of a
// scheduler call are all told, before they take effect: a crash of the machine then loses only
// calls that decided nothing (docs/resume.md, "A journal that lost its tail").
#pragma once

#include <cstdint>

#include "coordinator/sweep_observer.h"
#include "storage/journal.h"

namespace hpsweep {

class JournalRecorder final : public SweepObserver {
 public:
  explicit JournalRecorder(JournalWriter& journal) : journal_(journal) {}

  void on_attempt_end(const JournalRecord& record) override;
  void on_scheduler_call(const SchedulerCall& call) override;
  void on_decision(const DecisionRow& decision) override;
  void on_decisions_told() override;

  int64_t syncs() const { return syncs_; }
  double sync_seconds() const { return sync_seconds_; }

 private:
  JournalWriter& journal_;
  bool decided_ = false;  // decisions told since the last sync
  int64_t syncs_ = 0;
  double sync_seconds_ = 0;
};

}  // namespace hpsweep
