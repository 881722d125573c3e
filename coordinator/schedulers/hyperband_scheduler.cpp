#include "coordinator/schedulers/hyperband_scheduler.h"

#include <algorithm>

namespace hpsweep {

std::vector<HyperbandBracket> hyperband_brackets(int64_t min_iter, int64_t max_iter, int64_t eta) {
  int64_t s_max = 0;
  std::vector<int64_t> power = {1};                    // eta^i
  while (power.back() <= max_iter / min_iter / eta) {  // min_iter eta^(s+1) <= max_iter
    power.push_back(power.back() * eta);
    ++s_max;
  }
  std::vector<HyperbandBracket> brackets;
  for (int64_t s = s_max; s >= 0; --s) {
    // n = ceil(B/R * eta^s / (s+1)) with the budget B = (s_max+1) R.
    const int64_t n = ((s_max + 1) * power[s] + s) / (s + 1);
    HyperbandBracket bracket{s, {}};
    for (int64_t i = 0; i <= s; ++i)
      bracket.rungs.push_back({n / power[i], i == s ? max_iter : min_iter * power[s_max - s + i]});
    brackets.push_back(bracket);
  }
  return brackets;
}

HyperbandScheduler::HyperbandScheduler(SchedulerContext context, const EarlyTerminateSpec& spec)
    : Scheduler(std::move(context)),
      eta_(spec.eta),
      shapes_(hyperband_brackets(spec.min_iter, spec.max_iter, spec.eta)) {}

bool HyperbandScheduler::filling(const Bracket& bracket) const {
  return bracket.started < bracket.shape->rungs[0].trials && next_new_ < trial_count();
}

std::optional<TrialRun> HyperbandScheduler::choose_next() {
  for (Bracket& bracket : brackets_) {
    if (bracket.promoted.empty()) continue;
    const int64_t trial = bracket.promoted.front();
    bracket.promoted.pop_front();
    return run(trial, DecisionKind::promote, bracket.shape->rungs[bracket.rung - 1].epochs);
  }
  if (next_new_ == trial_count()) return std::nullopt;
  if (brackets_.empty() || !filling(brackets_.back())) {
    const HyperbandBracket& shape = shapes_[brackets_.size() % shapes_.size()];
    brackets_.push_back({&shape, 0, 0, shape.rungs[0].trials, {}, {}});
  }
  Bracket& bracket = brackets_.back();
  ++bracket.started;
  bracket_of_.push_back(brackets_.size() - 1);
  const int64_t trial = next_new_++;
  // Out of trials: the bracket's first rung waits only for those started.
  if (next_new_ == trial_count())
    bracket.waiting_for -= bracket.shape->rungs[0].trials - bracket.started;
  return run(trial, DecisionKind::start, 0);
}

Verdict HyperbandScheduler::judge(int64_t trial, int64_t epoch, double score) {
  const size_t index = bracket_of_[trial];
  Bracket& bracket = brackets_[index];
  if (bracket.rung + 1 == bracket.shape->rungs.size() ||
      epoch != bracket.shape->rungs[bracket.rung].epochs)
    return {};
  bracket.results.push_back({score, trial});
  if (static_cast<int64_t>(bracket.results.size()) < bracket.waiting_for)
    return {VerdictKind::pause, "waiting for the rest of " + rung_text(bracket)};
  return close_rung(index, trial);
}

std::string HyperbandScheduler::rung_text(const Bracket& bracket) const {
  return "bracket s=" + std::to_string(bracket.shape->s) + " rung " + std::to_string(bracket.rung) +
         " (epoch " + std::to_string(bracket.shape->rungs[bracket.rung].epochs) + ")";
}

Verdict HyperbandScheduler::close_rung(size_t index, int64_t reporter) {
  Bracket& bracket = brackets_[index];
  std::sort(bracket.results.begin(), bracket.results.end());
  const int64_t n = static_cast<int64_t>(bracket.results.size());
  // floor(n_i / eta) is n_(i+1) of the paper's table; a bracket cut short keeps at least one.
  const int64_t keep = std::max<int64_t>(1, n / eta_);
  const int64_t epoch = bracket.shape->rungs[bracket.rung].epochs;
  const std::string where = rung_text(bracket);
  Verdict verdict;
  for (int64_t r = 0; r < n; ++r) {
    const int64_t trial = bracket.results[r].second;
    const std::string standing = "rank " + std::to_string(r + 1) + " of " + std::to_string(n);
    if (r < keep && trial == reporter) {
      record(trial, DecisionKind::promote, epoch, standing + " at " + where);
    } else if (r < keep) {
      bracket.promoted.push_back(trial);
    } else {
      const std::string reason =
          standing + ", not in the top 1/" + std::to_string(eta_) + " at " + where;
      if (trial == reporter)
        verdict = {VerdictKind::stop, reason};
      else
        record(trial, DecisionKind::stop, epoch, reason);
    }
  }
  bracket.results.clear();
  ++bracket.rung;
  bracket.waiting_for = keep;
  return verdict;
}

void HyperbandScheduler::forget(int64_t trial) {
  const size_t index = bracket_of_[trial];
  Bracket& bracket = brackets_[index];
  if (bracket.rung + 1 == bracket.shape->rungs.size()) return;
  --bracket.waiting_for;
  if (!bracket.results.empty() &&
      static_cast<int64_t>(bracket.results.size()) == bracket.waiting_for)
    close_rung(index, -1);
}

}  // namespace hpsweep
