#include "coordinator/journal_recorder.h"

#include <chrono>

namespace hpsweep {

void JournalRecorder::on_attempt_end(const JournalRecord& record) {
  journal_.append(record);
}

void JournalRecorder::on_scheduler_call(const SchedulerCall& call) {
  journal_.append(call);
}

void JournalRecorder::on_decision(const DecisionRow&) {
  decided_ = true;
}

void JournalRecorder::on_decisions_told() {
  if (!decided_) return;
  const auto start = std::chrono::steady_clock::now();
  journal_.sync();
  ++syncs_;
  sync_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  decided_ = false;
}

}  // namespace hpsweep
