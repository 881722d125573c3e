#include "coordinator/schedulers/fifo_scheduler.h"

namespace hpsweep {

std::optional<TrialRun> FifoScheduler::choose_next() {
  if (next_new_ == trial_count()) return std::nullopt;
  return run(next_new_++, DecisionKind::start, 0);
}

}  // namespace hpsweep
