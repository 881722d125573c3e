#include "coordinator/trial_state.h"

namespace hpsweep {

Verdict hear_epoch(Scheduler& scheduler, int64_t id, TrialState& trial, int64_t epoch,
                   double value) {
  const Verdict verdict = scheduler.report(id, epoch, value);
  trial.reported = epoch;
  if (verdict.kind != VerdictKind::proceed) trial.verdict = verdict;
  return verdict;
}

}  // namespace hpsweep
