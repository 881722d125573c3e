// No early termination: every trial, in id order, trains all its epochs. The sweep loop's
// behaviour without `early_terminate`, and the full-grid baseline for the other schedulers.
#pragma once

#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

class FifoScheduler : public Scheduler {
 public:
  using Scheduler::Scheduler;

 protected:
  std::optional<TrialRun> choose_next() override;
  Verdict judge(int64_t, int64_t, double) override { return {}; }
  void forget(int64_t) override {}

 private:
  int64_t next_new_ = 0;
};

}  // namespace hpsweep
