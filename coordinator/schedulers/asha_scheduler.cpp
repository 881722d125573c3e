#include "coordinator/schedulers/asha_scheduler.h"

#include <cmath>

#include "common/rng.h"

namespace hpsweep {
namespace {

constexpr uint64_t kBracketStream = 0x61736861;  // "asha"

// Ray Tune's bracket weights: e^(rungs - most rungs), rungs counting the last epoch.
size_t draw_bracket(const std::vector<std::vector<int64_t>>& rungs, uint64_t seed, int64_t trial) {
  std::vector<double> weights;
  double total = 0;
  for (const auto& bracket : rungs) {
    weights.push_back(
        std::exp(static_cast<double>(bracket.size()) - static_cast<double>(rungs.front().size())));
    total += weights.back();
  }
  double u =
      Rng(counter_hash({seed, kBracketStream, static_cast<uint64_t>(trial)})).uniform() * total;
  for (size_t b = 0; b + 1 < weights.size(); ++b) {
    if (u < weights[b]) return b;
    u -= weights[b];
  }
  return weights.size() - 1;
}

}  // namespace

std::vector<std::vector<int64_t>> asha_rungs(const EarlyTerminateSpec& spec) {
  std::vector<std::vector<int64_t>> brackets(spec.brackets);
  // Multiplying only while the product stays <= max_epochs: no overflow for huge factors.
  const int64_t rf = spec.reduction_factor, max = spec.max_epochs;
  for (int64_t s = 0, first = spec.grace_period; s < spec.brackets; ++s) {
    for (int64_t r = first; r < max; r = r <= max / rf ? r * rf : max) brackets[s].push_back(r);
    first = first <= max / rf ? first * rf : max;
  }
  return brackets;
}

AshaScheduler::AshaScheduler(SchedulerContext context, const EarlyTerminateSpec& spec)
    : Scheduler(std::move(context)), reduction_factor_(spec.reduction_factor) {
  const std::vector<std::vector<int64_t>> rungs = asha_rungs(spec);
  for (const auto& epochs : rungs) {
    brackets_.emplace_back(epochs.size());
    for (size_t k = 0; k < epochs.size(); ++k) brackets_.back()[k].epochs = epochs[k];
  }
  for (int64_t trial = 0; trial < trial_count(); ++trial)
    bracket_of_.push_back(draw_bracket(rungs, context_.seed, trial));
  next_rung_.assign(trial_count(), 0);
}

bool AshaScheduler::in_top(const Rung& rung, const RankedResults::Entry& entry) const {
  return rung.results.rank(entry.first, entry.second) < rung.results.size() / reduction_factor_;
}

std::string AshaScheduler::rung_text(size_t bracket, size_t rung) const {
  const Rung& r = brackets_[bracket][rung];
  return (brackets_.size() > 1 ? "bracket " + std::to_string(bracket) + " " : "") + "rung " +
         std::to_string(rung) + " (epoch " + std::to_string(r.epochs) + ")";
}

std::optional<TrialRun> AshaScheduler::choose_next() {
  for (size_t b = 0; b < brackets_.size(); ++b) {
    for (size_t k = brackets_[b].size(); k-- > 0;) {
      Rung& rung = brackets_[b][k];
      if (rung.paused.empty() || !in_top(rung, *rung.paused.begin())) continue;
      const int64_t trial = rung.paused.begin()->second;
      rung.paused.erase(rung.paused.begin());
      next_rung_[trial] = k + 1;
      return run(trial, DecisionKind::promote, rung.epochs);
    }
  }
  if (next_new_ == trial_count()) return std::nullopt;
  return run(next_new_++, DecisionKind::start, 0);
}

Verdict AshaScheduler::judge(int64_t trial, int64_t epoch, double score) {
  const size_t b = bracket_of_[trial];
  const size_t k = next_rung_[trial];
  if (k == brackets_[b].size() || epoch != brackets_[b][k].epochs) return {};
  Rung& rung = brackets_[b][k];
  rung.results.insert(score, trial);
  const std::string standing = "rank " + std::to_string(rung.results.rank(score, trial) + 1) +
                               " of " + std::to_string(rung.results.size()) + " at " +
                               rung_text(b, k);
  if (in_top(rung, {score, trial})) {
    next_rung_[trial] = k + 1;
    record(trial, DecisionKind::promote, epoch,
           standing + ", in the top 1/" + std::to_string(reduction_factor_));
    return {};
  }
  rung.paused.insert({score, trial});
  return {VerdictKind::pause, standing};
}

void AshaScheduler::finish() {
  for (size_t b = 0; b < brackets_.size(); ++b)
    for (size_t k = 0; k < brackets_[b].size(); ++k)
      for (const auto& [score, trial] : brackets_[b][k].paused)
        record(trial, DecisionKind::stop, brackets_[b][k].epochs,
               "not in the top 1/" + std::to_string(reduction_factor_) + " of the " +
                   std::to_string(brackets_[b][k].results.size()) + " results at " +
                   rung_text(b, k));
}

}  // namespace hpsweep
