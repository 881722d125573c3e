// Hyperband (Li et al., JMLR 2018, Algorithm 1) with W&B's keys: budgets from min_iter up to
// max_iter epochs in factors of eta. Bracket s starts n trials at min_iter * eta^(s_max-s)
// epochs and runs successive halving: when every trial of a rung has reported, the best
// floor(n_i / eta) continue to the next rung and the others stop. Brackets are filled with new
// trials in order s = s_max, ..., 0 and then again, until the trials run out; while one
// bracket waits on a rung, free workers start the next.
#pragma once

#include <deque>

#include "common/spec.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

struct HyperbandRung {
  int64_t trials;
  int64_t epochs;
};

struct HyperbandBracket {
  int64_t s;
  std::vector<HyperbandRung> rungs;
};

// The brackets of one Hyperband iteration, s = s_max first (the paper's Table 1 for
// min_iter 1, max_iter 81, eta 3).
std::vector<HyperbandBracket> hyperband_brackets(int64_t min_iter, int64_t max_iter, int64_t eta);

class HyperbandScheduler : public Scheduler {
 public:
  HyperbandScheduler(SchedulerContext context, const EarlyTerminateSpec& spec);

 protected:
  std::optional<TrialRun> choose_next() override;
  Verdict judge(int64_t trial, int64_t epoch, double score) override;
  void forget(int64_t trial) override;

 private:
  struct Bracket {
    const HyperbandBracket* shape;
    int64_t started = 0;
    size_t rung = 0;
    int64_t waiting_for = 0;  // reports that close the current rung (failed trials excluded)
    std::vector<std::pair<double, int64_t>> results;
    std::deque<int64_t> promoted;  // waiting for a worker
  };
  bool filling(const Bracket& bracket) const;
  std::string rung_text(const Bracket& bracket) const;
  // Every trial of the bracket's rung has reported: promotes the best, stops the others, and
  // returns the verdict for `reporter` (the last to report; -1 after a failure).
  Verdict close_rung(size_t index, int64_t reporter);

  int64_t eta_;
  std::vector<HyperbandBracket> shapes_;
  std::vector<Bracket> brackets_;
  std::vector<size_t> bracket_of_;  // per started trial
  int64_t next_new_ = 0;
};

}  // namespace hpsweep
