#include "coordinator/schedulers/scheduler.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "common/error.h"

namespace hpsweep {

std::string decision_kind_name(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::start:
      return "start";
    case DecisionKind::promote:
      return "promote";
    case DecisionKind::resume:
      return "resume";
    case DecisionKind::exploit:
      return "exploit";
    case DecisionKind::pause:
      return "pause";
    case DecisionKind::stop:
      return "stop";
    case DecisionKind::complete:
      return "complete";
  }
  return "?";
}

std::string metric_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

Scheduler::Scheduler(SchedulerContext context)
    : context_(std::move(context)),
      values_(context_.configs),
      next_epoch_(context_.configs.size(), 0) {}

std::optional<TrialRun> Scheduler::next_trial() {
  std::optional<TrialRun> next = choose_next();
  if (next) {
    std::string reason;
    if (suggester_ && next->kind == DecisionKind::start) {
      Suggestion suggestion = suggester_->suggest(next->trial, running_trials());
      values_[next->trial] = next->hyperparameters = std::move(suggestion.values);
      reason = std::move(suggestion.reason);
    }
    ++running_;
    next_epoch_[next->trial] = next->from_epoch + 1;
    const bool changes_values =
        next->kind == DecisionKind::start || next->kind == DecisionKind::exploit;
    record(next->trial, next->kind, next->from_epoch, std::move(reason),
           next->kind == DecisionKind::exploit ? next->source_trial : -1,
           changes_values ? hyperparameters_text(next->hyperparameters) : std::string());
  } else if (running_ == 0 && !finished_) {
    finished_ = true;
    finish();
  }
  return next;
}

Verdict Scheduler::report(int64_t trial, int64_t epoch, double value) {
  if (trial < 0 || trial >= trial_count() || epoch != next_epoch_[trial] || epoch == 0)
    throw Error("scheduler: trial " + std::to_string(trial) + " reported epoch " +
                std::to_string(epoch) +
                (trial >= 0 && trial < trial_count() && next_epoch_[trial]
                     ? ", expected " + std::to_string(next_epoch_[trial])
                     : ", but it is not running"));
  if (suggester_) suggester_->heard(trial, epoch, score(value));
  Verdict verdict = judge(trial, epoch, score(value));
  if (verdict.kind == VerdictKind::proceed && epoch >= context_.max_epochs)
    verdict.kind = VerdictKind::complete;
  if (verdict.kind == VerdictKind::proceed) {
    ++next_epoch_[trial];
    return verdict;
  }
  next_epoch_[trial] = 0;
  --running_;
  const DecisionKind kind = verdict.kind == VerdictKind::pause  ? DecisionKind::pause
                            : verdict.kind == VerdictKind::stop ? DecisionKind::stop
                                                                : DecisionKind::complete;
  record(trial, kind, epoch, verdict.reason);
  return verdict;
}

void Scheduler::trial_ended(int64_t trial) {
  if (trial < 0 || trial >= trial_count() || next_epoch_[trial] == 0)
    throw Error("scheduler: trial " + std::to_string(trial) + " ended, but it is not running");
  next_epoch_[trial] = 0;
  --running_;
  if (suggester_) suggester_->ended(trial);
  forget(trial);
}

std::vector<int64_t> Scheduler::running_trials() const {
  std::vector<int64_t> running;
  for (int64_t trial = 0; trial < trial_count(); ++trial)
    if (next_epoch_[trial]) running.push_back(trial);
  return running;
}

double Scheduler::score(double value) const {
  if (std::isnan(value)) return std::numeric_limits<double>::infinity();
  return context_.minimize ? value : -value;
}

TrialRun Scheduler::run(int64_t trial, DecisionKind kind, int64_t from_epoch) const {
  return {trial, kind, from_epoch, trial, values_[trial]};
}

void Scheduler::record(int64_t trial, DecisionKind kind, int64_t epoch, std::string reason,
                       int64_t source_trial, std::string hyperparameters) {
  decisions_.push_back({static_cast<int64_t>(decisions_.size()), trial, kind, epoch, source_trial,
                        std::move(hyperparameters), std::move(reason)});
}

}  // namespace hpsweep
