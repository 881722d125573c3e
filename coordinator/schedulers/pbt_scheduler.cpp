#include "coordinator/schedulers/pbt_scheduler.h"

#include <algorithm>
#include <cmath>

#include "common/rng.h"
#include "coordinator/schedulers/pbt_explore.h"

namespace hpsweep {
namespace {

constexpr uint64_t kPbtStream = 0x70627421;  // "pbt!"

}  // namespace

PbtScheduler::PbtScheduler(SchedulerContext context, const PbtSpec& spec)
    : Scheduler(std::move(context)),
      spec_(spec),
      current_(context_.configs),
      alive_(trial_count()) {}

std::optional<TrialRun> PbtScheduler::choose_next() {
  if (next_new_ < trial_count()) return run(next_new_++, DecisionKind::start, 0);
  if (queue_.empty()) return std::nullopt;
  TrialRun next = std::move(queue_.front());
  queue_.pop_front();
  return next;
}

Verdict PbtScheduler::judge(int64_t trial, int64_t epoch, double score) {
  if (epoch % spec_.perturbation_interval != 0 || epoch >= context_.max_epochs) return {};
  auto& reported = waiting_[epoch];
  reported.push_back({score, trial});
  if (static_cast<int64_t>(reported.size()) < alive_)
    return {VerdictKind::pause, "waiting for the population at epoch " + std::to_string(epoch)};
  return perturb(epoch, trial);
}

Verdict PbtScheduler::perturb(int64_t epoch, int64_t reporter) {
  std::vector<std::pair<double, int64_t>> ranked = std::move(waiting_[epoch]);
  waiting_.erase(epoch);
  std::sort(ranked.begin(), ranked.end());
  const int64_t n = static_cast<int64_t>(ranked.size());
  // Ray Tune's quantile size: ceil(n * fraction), at most half the population; none exploit
  // in the `exploit: false` baseline.
  const int64_t q =
      spec_.exploit
          ? std::min<int64_t>(
                static_cast<int64_t>(std::ceil(static_cast<double>(n) * spec_.quantile_fraction)),
                n / 2)
          : 0;
  Rng rng(counter_hash({context_.seed, kPbtStream, static_cast<uint64_t>(epoch)}));
  Verdict verdict;
  for (int64_t r = 0; r < n; ++r) {
    const int64_t trial = ranked[r].second;
    if (r < n - q) {
      if (trial != reporter)
        queue_.push_back({trial, DecisionKind::resume, epoch, trial, current_[trial]});
      continue;
    }
    const int64_t source = ranked[rng.below(static_cast<uint64_t>(q))].second;
    current_[trial] = explore(current_[source], spec_, rng);
    queue_.push_back({trial, DecisionKind::exploit, epoch, source, current_[trial]});
    copy_checkpoint(source, trial, epoch);
    if (trial == reporter)
      verdict = {VerdictKind::pause, "rank " + std::to_string(r + 1) + " of " + std::to_string(n) +
                                         " at epoch " + std::to_string(epoch) +
                                         ": exploits trial " + std::to_string(source)};
  }
  return verdict;
}

void PbtScheduler::forget(int64_t) {
  --alive_;
  // A barrier that waited only for this trial is complete now.
  auto complete = std::find_if(waiting_.begin(), waiting_.end(), [&](const auto& entry) {
    return static_cast<int64_t>(entry.second.size()) == alive_;
  });
  if (complete != waiting_.end()) perturb(complete->first, -1);
}

}  // namespace hpsweep
