// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", Algorithm 2), with epochs as the resource. Bracket s has rungs at
// grace_period * reduction_factor^(s+k) epochs below max_epochs. A trial reaching a rung is
// promoted at once when it ranks in the top 1/reduction_factor of that rung's results so far,
// and otherwise pauses; whenever a worker is free, the best paused trial that now ranks in its
// rung's top fraction is promoted (highest rung first), and only then does a new trial start.
// Trials still paused when the sweep ends are stopped. With several brackets, each trial joins
// one, drawn as Ray Tune's AsyncHyperBand does (weights e^(rungs of the bracket)) but from the
// seed.
#pragma once

#include <set>

#include "common/spec.h"
#include "coordinator/schedulers/ranked_results.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

// The pause rungs (in epochs, ascending) of each bracket.
std::vector<std::vector<int64_t>> asha_rungs(const EarlyTerminateSpec& spec);

class AshaScheduler : public Scheduler {
 public:
  AshaScheduler(SchedulerContext context, const EarlyTerminateSpec& spec);

 protected:
  std::optional<TrialRun> choose_next() override;
  Verdict judge(int64_t trial, int64_t epoch, double score) override;
  void forget(int64_t) override {}
  void finish() override;

 private:
  struct Rung {
    int64_t epochs = 0;
    RankedResults results;
    std::set<RankedResults::Entry> paused;  // best first
  };
  bool in_top(const Rung& rung, const RankedResults::Entry& entry) const;
  std::string rung_text(size_t bracket, size_t rung) const;

  int64_t reduction_factor_;
  std::vector<std::vector<Rung>> brackets_;
  std::vector<size_t> bracket_of_;  // per trial
  std::vector<size_t> next_rung_;   // per trial: the index of the next rung it will reach
  int64_t next_new_ = 0;
};

}  // namespace hpsweep
