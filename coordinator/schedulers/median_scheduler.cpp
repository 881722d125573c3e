#include "coordinator/schedulers/median_scheduler.h"

#include <algorithm>

namespace hpsweep {

MedianScheduler::MedianScheduler(SchedulerContext context, const EarlyTerminateSpec& spec)
    : Scheduler(std::move(context)),
      grace_period_(spec.grace_period),
      min_samples_(spec.min_samples),
      progress_(trial_count()),
      averages_(context_.max_epochs + 1) {}

std::optional<TrialRun> MedianScheduler::choose_next() {
  if (next_new_ == trial_count()) return std::nullopt;
  return run(next_new_++, DecisionKind::start, 0);
}

Verdict MedianScheduler::judge(int64_t trial, int64_t epoch, double score) {
  Progress& p = progress_[trial];
  p.sum += score;
  p.best = epoch == 1 ? score : std::min(p.best, score);
  RunningMedian& others = averages_[epoch];
  Verdict verdict;
  // The last epoch is not judged: stopping there would save nothing.
  if (epoch >= grace_period_ && epoch < context_.max_epochs && others.size() >= min_samples_ &&
      p.best > others.median()) {
    verdict = {VerdictKind::stop,
               "epoch " + std::to_string(epoch) + ": best " + metric_text(value_of(p.best)) +
                   " is worse than the median " + metric_text(value_of(others.median())) + " of " +
                   std::to_string(others.size()) + " other trials' running averages"};
  }
  others.insert(p.sum / static_cast<double>(epoch));
  return verdict;
}

}  // namespace hpsweep
