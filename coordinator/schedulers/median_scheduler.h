// The median stopping rule (Golovin et al., "Google Vizier", section 3.2.2, as in Ray Tune's
// MedianStoppingRule): from epoch grace_period on, a trial stops when its best result so far
// is worse than the median of the running averages (mean of epochs 1..e) that other trials
// reported at the same epoch e, once at least min_samples of them have. Trials start in id
// order and are never paused.
#pragma once

#include "common/spec.h"
#include "coordinator/schedulers/running_median.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

class MedianScheduler : public Scheduler {
 public:
  MedianScheduler(SchedulerContext context, const EarlyTerminateSpec& spec);

 protected:
  std::optional<TrialRun> choose_next() override;
  Verdict judge(int64_t trial, int64_t epoch, double score) override;
  void forget(int64_t) override {}

 private:
  struct Progress {
    double sum = 0;
    double best = 0;
  };
  int64_t grace_period_, min_samples_;
  std::vector<Progress> progress_;       // per trial
  std::vector<RunningMedian> averages_;  // per epoch: the trials' running averages there
  int64_t next_new_ = 0;
};

}  // namespace hpsweep
