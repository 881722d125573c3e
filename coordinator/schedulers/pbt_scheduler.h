// Population based training, synchronous (Ray Tune's `synch=True`): every trial pauses at each
// multiple of perturbation_interval until the whole living population has reported that
// epoch. Then trials are ranked; each of the bottom quantile_fraction copies the checkpoint of
// a top-quantile trial drawn uniformly (exploit) and explores its hyperparameters
// (pbt_explore.h); the others resume. Ranking at a common epoch makes the decisions
// independent of the order in which results arrive (only which trial is last to report, and
// so continues without pausing, depends on it), and an exploit copies a checkpoint of the same
// epoch, so no trial skips or repeats an epoch.
#pragma once

#include <deque>
#include <map>

#include "common/spec.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

class PbtScheduler : public Scheduler {
 public:
  // context.configs holds each trial's initial values, including every mutated parameter.
  PbtScheduler(SchedulerContext context, const PbtSpec& spec);

  // The values trial `trial` trains with now (they change at each exploit).
  const std::vector<SweptValue>& hyperparameters(int64_t trial) const { return current_[trial]; }

 protected:
  std::optional<TrialRun> choose_next() override;
  Verdict judge(int64_t trial, int64_t epoch, double score) override;
  void forget(int64_t trial) override;

 private:
  // The population has reported `epoch`: queues exploits and resumes; the verdict for
  // `reporter` (-1 after a failure).
  Verdict perturb(int64_t epoch, int64_t reporter);

  PbtSpec spec_;
  std::vector<std::vector<SweptValue>> current_;
  int64_t alive_;
  std::map<int64_t, std::vector<std::pair<double, int64_t>>> waiting_;  // by epoch
  std::deque<TrialRun> queue_;
  int64_t next_new_ = 0;
};

}  // namespace hpsweep
