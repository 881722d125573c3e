#include "coordinator/sweep_loop.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/error.h"
#include "common/failpoint.h"
#include "coordinator/exploit_checkpoint.h"
#include "coordinator/scheduler_replay.h"
#include "coordinator/schedulers/make_scheduler.h"
#include "coordinator/schedulers/pbt_schedule.h"
#include "storage/checkpoint_file.h"

namespace hpsweep {
namespace {

constexpr std::chrono::milliseconds kRefreshInterval{500};

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The last epoch whose checkpoint exists, for a trial that has recorded `epochs` epochs:
// each recorded epoch that was due a checkpoint had it written before it was recorded.
int64_t last_checkpointed_epoch(const Trial& trial, int64_t epochs) {
  const int64_t every = trial.config.checkpoint.every;
  return epochs == trial.config.training.epochs ? epochs : epochs / every * every;
}

// Statuses after which a trial never trains again, whatever a resumed run's spec says (a
// failed trial runs again when a resumed run allows more retries).
bool ends_for_good(TrialStatus status) {
  return status == TrialStatus::completed || status == TrialStatus::diverged ||
         status == TrialStatus::stopped;
}

TrialStatus status_of(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::pause:
      return TrialStatus::paused;
    case VerdictKind::stop:
      return TrialStatus::stopped;
    default:
      return TrialStatus::completed;
  }
}

}  // namespace

SweepLoop::SweepLoop(const SweepSpec& spec, const SweepInputs& inputs, WorkerPool& pool,
                     std::string out_dir, SweepRecords records, std::vector<TrialRecovery> found,
                     const std::vector<SchedulerCall>& calls)
    : spec_(spec),
      inputs_(inputs),
      pool_(pool),
      out_dir_(std::move(out_dir)),
      records_(records),
      scheduler_(make_scheduler(spec, inputs.trials)),
      scheduled_(schedules_trials(spec)),
      copies_(out_dir_) {
  const size_t total = inputs.trials.size();
  trials_.resize(total);
  for (size_t id = 0; id < total; ++id) {
    TrialState& trial = trials_[id];
    trial.found = std::move(found[id]);
    if (trial.found.finished) trial.status = trial.found.status;
    trial.recorded_epochs = static_cast<int64_t>(trial.found.history.size());
    trial.checkpointed = trial.found.resume_epoch;
    trial.copied_from = trial.found.copied_from;
    trial.copied_at = trial.found.copied_at;
  }
  for (int w = pool.worker_count() - 1; w >= 0; --w) free_workers_.push_back(w);
  if (!calls.empty()) replay(calls);
  // The schedule of the epochs a resumed sweep recovered, now that the decisions are back;
  // of epochs the journal lost, once the scheduler has heard them again (continue_trial).
  for (size_t id = 0; id < total; ++id)
    for (int64_t epoch = 1; epoch <= std::min(trials_[id].recorded_epochs, trials_[id].reported);
         ++epoch)
      record_schedule(id, epoch);
  // A kill between a trial's end and the retention of its checkpoint, or in the middle of it.
  for (size_t id = 0; id < total; ++id)
    if (ends_for_good(trials_[id].status)) retain(static_cast<int64_t>(id));
  records_.events.on_consistent();
}

// The scheduler as the interrupted run left it. Trials it still had running (on a worker when
// the sweep stopped) run again first from their checkpoints, as retries do. A trial that a
// verdict ended but whose end the journal lacks (a kill just between) gets its status, after
// training up to the verdict's epoch again if the kill also lost that checkpoint.
void SweepLoop::replay(const std::vector<SchedulerCall>& calls) {
  const std::vector<bool> active = replay_scheduler_calls(calls, *scheduler_, trials_, copies_);
  record_decisions();
  for (int64_t id = 0; id < static_cast<int64_t>(trials_.size()); ++id) {
    // A replayed stop has ended the trial, or queued it to train up to the stop again.
    if (trials_[id].catch_up > 0 || trials_[id].status == TrialStatus::stopped) continue;
    if (active[id] && trials_[id].found.finished) {  // failed for good, killed before `ended`
      scheduler_->trial_ended(id);
      journal({SchedulerCall::Kind::ended, id});
    } else if (active[id]) {
      reruns_.push_back(id);
    } else if (trials_[id].verdict && !trials_[id].found.finished &&
               trials_[id].checkpointed < trials_[id].reported) {
      trials_[id].catch_up = trials_[id].reported;
      reruns_.push_back(id);
    } else if (trials_[id].verdict && !trials_[id].found.finished) {
      const TrialStatus status = status_of(trials_[id].verdict->kind);
      trials_[id].status = status;
      if (trials_[id].found.status == status) continue;
      records_.events.on_attempt_end(
          {id, status, trials_[id].reported, trials_[id].verdict->reason});
      records_.events.on_trial_status(id, status, trials_[id].reported,
                                      trials_[id].verdict->reason);
    }
  }
  record_decisions();  // those of an `ended` above
}

std::vector<TrialStatus> SweepLoop::statuses() const {
  std::vector<TrialStatus> statuses;
  for (const TrialState& trial : trials_) statuses.push_back(trial.status);
  return statuses;
}

void SweepLoop::run(const std::atomic<bool>& stop, std::ostream& log) {
  const auto check_stop = [&] {
    if (!stop.load() || stopping_) return;
    stopping_ = true;
    pool_.request_stop();
    records_.events.on_stop_requested();
    log << "stopping: waiting for running trials to abandon their step...\n";
  };
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const auto loop_start = Clock::now();
  check_stop();
  dispatch();
  records_.events.on_consistent();
  timing_.busy_seconds += seconds_since(loop_start);
  while (running_ > 0) {
    check_stop();
    const auto write_due = records_.sweep_file.write_due();
    std::optional<WorkerEvent> event =
        pool_.wait_event(write_due ? std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  *write_due - Clock::now()),
                                              std::chrono::milliseconds(0))
                                   : kRefreshInterval);
    records_.sweep_file.write_if_due();
    if (!event) {
      records_.events.on_idle();
      continue;
    }
    const auto handling_start = Clock::now();
    if (auto* judged = std::get_if<JudgeEvent>(&*event))
      pool_.after_epoch(judged->worker, judged->metrics.epoch, judge(*judged));
    else if (auto* epoch = std::get_if<EpochEvent>(&*event))
      record_epoch(*epoch);
    else
      trial_done(std::get<TrialDoneEvent>(*event));
    // A report may have released paused trials (a PBT barrier), a copy waiting trials.
    dispatch();
    records_.events.on_consistent();
    timing_.busy_seconds += seconds_since(handling_start);
    ++timing_.events;
  }
  timing_.loop_seconds = seconds_since(loop_start);
  records_.events.on_sweep_end(stopping_);
}

// Reruns first (retries, held exploit sources, trials a resumed sweep continues); then what
// the scheduler says. While an exploit's checkpoint is still to be copied, the scheduler is
// not asked and neither trial of the copy runs on from the copied epoch.
void SweepLoop::dispatch() {
  while (!stopping_ && !free_workers_.empty()) {
    const auto rerun = std::find_if(reruns_.begin(), reruns_.end(),
                                    [&](int64_t id) { return !copies_.awaits(id, trials_); });
    if (rerun != reruns_.end()) {
      const int64_t id = *rerun;
      reruns_.erase(rerun);
      continue_trial(id, trials_[id].found.resume_epoch);
      continue;
    }
    if (!copies_.empty()) return;
    const auto ready = std::find_if(ready_.begin(), ready_.end(),
                                    [&](const TrialRun& r) { return !trials_[r.trial].on_worker; });
    if (ready != ready_.end()) {
      const TrialRun run = *ready;
      ready_.erase(ready);
      start_run(run);
      continue;
    }
    const std::optional<TrialRun> run = scheduler_->next_trial();
    if (run) journal({SchedulerCall::Kind::next, run->trial});
    const size_t reruns = reruns_.size();
    record_decisions();
    // With nothing more to run, the scheduler stops its paused trials: one may have to train
    // to its stop again (apply_stop), and no worker event may come to dispatch it later.
    if (!run && reruns_.size() > reruns) continue;
    if (!run) return;
    if (!scheduled_ &&
        trials_[run->trial].found.finished)  // a resumed plain sweep's finished trial
      scheduler_->trial_ended(run->trial);
    else
      ready_.push_back(*run);  // a paused trial may still be winding down on its worker
  }
}

void SweepLoop::start_run(const TrialRun& run) {
  const int64_t id = run.trial;
  if (scheduler_->sets_values(run)) trials_[id].explored = run.hyperparameters;
  // From the checkpoint the run asks for, or an earlier one when a kill lost it: the epochs
  // between are trained again, not reported again.
  const int64_t resume_epoch = run.from_epoch > 0
                                   ? std::min(run.from_epoch, trials_[id].checkpointed)
                                   : trials_[id].found.resume_epoch;
  trials_[id].verdict.reset();
  // A checkpoint ahead of the journal continues only the weights this run asks for.
  if (run.kind == DecisionKind::resume && trials_[id].checkpointed > run.from_epoch &&
      trials_[id].copied_at == run.from_epoch)
    throw UserError(checkpoint_path(out_dir_, id) + ": holds epoch " +
                    std::to_string(trials_[id].checkpointed) + " with " +
                    weights_text(trials_[id].copied_from, trials_[id].copied_at) +
                    ", but the scheduler resumes the trial with its own weights there; rerun "
                    "with --restart");
  continue_trial(id, resume_epoch);
}

// The checkpoint holds epochs the scheduler has not heard of when a plain sweep resumes (its
// scheduler is not journaled) or the journal lost its tail in a crash. Heard now, in order,
// they may give the scheduler other verdicts than the first time (it hears other trials'
// epochs in another order): a pause leaves the checkpoint ahead, for the run that continues
// from there; a stop before the checkpoint's epoch trains the trial again up to it.
void SweepLoop::continue_trial(int64_t id, int64_t resume_epoch) {
  if (trials_[id].checkpointed > trials_[id].reported) {
    const int64_t held = trials_[id].checkpointed;
    for (int64_t epoch = trials_[id].reported + 1; epoch <= held; ++epoch) {
      const Verdict verdict =
          report(id, epoch, curve_value(trials_[id].found.history[epoch - 1], spec_.metric.name));
      record_decisions();
      record_schedule(id, epoch);
      if (verdict.kind == VerdictKind::proceed) continue;
      // A stop came with its decision, which ended the trial or trains it again up to here.
      if (verdict.kind != VerdictKind::stop) settle(id, verdict, epoch);
      return;
    }
    resume_epoch = held;
  }
  launch(id, resume_epoch);
}

void SweepLoop::settle(int64_t id, const Verdict& verdict, int64_t epoch) {
  const TrialStatus status = status_of(verdict.kind);
  if (status != TrialStatus::paused) return end_trial(id, status, epoch, verdict.reason);
  trials_[id].status = status;
  records_.events.on_attempt_end({id, status, epoch, verdict.reason});
  records_.events.on_trial_status(id, status, epoch, verdict.reason);
}

// Training is deterministic: the epochs up to `epoch` come out bitwise as they were. The
// checkpoint goes first, so that a kill during the retraining resumes it from the start.
void SweepLoop::rewind(int64_t id, int64_t epoch) {
  const std::string path = checkpoint_path(out_dir_, id);
  if (trials_[id].copied_from >= 0)
    throw UserError(path + ": holds epoch " + std::to_string(trials_[id].checkpointed) + " with " +
                    weights_text(trials_[id].copied_from, trials_[id].copied_at) +
                    ", but the scheduler ends the trial at epoch " + std::to_string(epoch) +
                    ", and copied weights cannot be trained again; rerun with --restart");
  std::filesystem::remove(path);
  trials_[id].checkpointed = 0;
  trials_[id].found.resume_epoch = 0;
  trials_[id].found.history.clear();
  records_.events.on_curves_truncated(id, 0);
  trials_[id].recorded_epochs = 0;
  trials_[id].catch_up = epoch;
  trials_[id].status = TrialStatus::pending;
  const std::string reason =
      "trains again up to epoch " + std::to_string(epoch) + ", where the scheduler stops it";
  records_.events.on_trial_status(id, TrialStatus::pending, 0, reason);
  reruns_.push_back(id);
}

void SweepLoop::launch(int64_t id, int64_t resume_epoch) {
  trials_[id].status = TrialStatus::running;
  records_.events.on_trial_status(id, TrialStatus::running, resume_epoch, "");
  records_.events.on_trial_placed(id, pool_.worker_name(free_workers_.back()));
  trials_[id].launched_from = resume_epoch;
  trials_[id].on_worker = true;
  const Trial& trial = inputs_.trials[id];
  pool_.start(free_workers_.back(), trial,
              {inputs_.init_for(trial), resume_epoch, scheduled_, trials_[id].explored,
               records_.run_generation});
  free_workers_.pop_back();
  ++running_;
}

bool SweepLoop::judge(const JudgeEvent& event) {
  const int64_t id = event.trial_id, epoch = event.metrics.epoch;
  // A retried or resumed trial redoes epochs the scheduler has judged: they go on, up to the
  // verdict's epoch when it catches up after a kill.
  bool proceed = epoch != trials_[id].catch_up;
  if (epoch > trials_[id].reported) {
    proceed = report(id, epoch, curve_value(event.metrics, spec_.metric.name)).kind ==
              VerdictKind::proceed;
    record_decisions();
  }
  // An exploit's source that would go on stops with a checkpoint of this epoch and resumes
  // after the copy: going on, it would overwrite that checkpoint (under MPI its leader writes
  // it, perhaps before the copy).
  trials_[id].held = proceed && copies_.is_source_at(id, epoch);
  return proceed && !trials_[id].held;
}

void SweepLoop::record_epoch(const EpochEvent& event) {
  const int64_t id = event.trial_id, epoch = event.metrics.epoch;
  // Checkpoint first: once the curves show an epoch, its checkpoint exists. (In cluster
  // mode the group leader has written it before reporting the epoch.)
  if (event.checkpoint) write_checkpoint_file(checkpoint_path(out_dir_, id), *event.checkpoint);
  if (event.checkpoint || event.checkpointed) trials_[id].checkpointed = epoch;
  records_.events.on_epoch(id, event.metrics);
  record_schedule(id, epoch);
  trials_[id].recorded_epochs = epoch;
  if (!scheduled_ && epoch > trials_[id].reported)
    report(id, epoch, curve_value(event.metrics, spec_.metric.name));
  make_ready_copies();
}

void SweepLoop::trial_done(const TrialDoneEvent& event) {
  const TrialOutcome& outcome = event.outcome;
  const int64_t id = event.trial_id;
  free_workers_.push_back(event.worker);
  --running_;
  trials_[id].on_worker = false;
  TrialRecovery& s = trials_[id].found;
  if (trials_[id].held && outcome.status == TrialStatus::stopped) {
    trials_[id].held = false;
    s.resume_epoch = outcome.epoch;
    trials_[id].status = TrialStatus::paused;
    const std::string reason =
        "until an exploit has copied its checkpoint of epoch " + std::to_string(outcome.epoch);
    records_.events.on_trial_status(id, TrialStatus::paused, outcome.epoch, reason);
    reruns_.push_back(id);
    return;
  }
  const std::optional<Verdict>& verdict = trials_[id].verdict;
  if (verdict &&
      (outcome.status == TrialStatus::stopped || outcome.status == TrialStatus::completed)) {
    trials_[id].catch_up = 0;
    end_trial(id, status_of(verdict->kind), outcome.epoch, verdict->reason);
    return;
  }
  records_.events.on_attempt_end({id, outcome.status, outcome.epoch, outcome.message});
  if (outcome.status == TrialStatus::failed && ++s.failures <= spec_.resources.max_retries) {
    // Run it again from its last checkpoint; the epochs after it will be redone.
    s.resume_epoch =
        std::max(trials_[id].launched_from,
                 last_checkpointed_epoch(inputs_.trials[id], trials_[id].recorded_epochs));
    records_.events.on_curves_truncated(id, s.resume_epoch);
    trials_[id].recorded_epochs = s.resume_epoch;
    trials_[id].status = TrialStatus::pending;
    const std::string reason = "retry " + std::to_string(s.failures) + " of " +
                               std::to_string(spec_.resources.max_retries) +
                               " after: " + outcome.message;
    records_.events.on_trial_status(id, TrialStatus::pending, s.resume_epoch, reason);
    reruns_.push_back(id);
    return;
  }
  // Still running for the scheduler; an interrupted trial stays so, for a resumed sweep.
  if (!verdict && outcome.status != TrialStatus::interrupted) {
    scheduler_->trial_ended(id);
    journal({SchedulerCall::Kind::ended, id});
    record_decisions();
  }
  trials_[id].status = outcome.status;
  records_.events.on_trial_status(id, outcome.status, outcome.epoch, outcome.message);
  if (ends_for_good(outcome.status)) retain(id);
}

// A verdict's status, journaled like an outcome.
void SweepLoop::end_trial(int64_t id, TrialStatus status, int64_t epoch,
                          const std::string& message) {
  trials_[id].status = status;
  records_.events.on_attempt_end({id, status, epoch, message});
  records_.events.on_trial_status(id, status, epoch, message);
  if (ends_for_good(status)) retain(id);
}

// After the trial's end is in the journal: a kill before that leaves the whole checkpoint,
// which a resumed trial may need; a kill after it (or during the atomic rewrite) leaves a
// finished trial with its whole checkpoint, which the next run's constructor retains.
// A finished trial is never an exploit's source or target: those are paused at a barrier.
void SweepLoop::retain(int64_t id) {
  const std::string& keep = inputs_.trials[id].config.checkpoint.keep;
  if (keep == "both") return;
  failpoint("checkpoint-retain");  // the trial's end journaled, its checkpoint still whole
  retain_checkpoint(checkpoint_path(out_dir_, id), keep);
}

Verdict SweepLoop::report(int64_t id, int64_t epoch, double value) {
  journal({SchedulerCall::Kind::report, id, epoch, value});
  return hear_epoch(*scheduler_, id, trials_[id], epoch, value);
}

// A plain sweep resumes without replaying its scheduler: nothing to journal.
void SweepLoop::journal(const SchedulerCall& call) {
  if (scheduled_) records_.events.on_scheduler_call(call);
}

// Without a scheduler every trial runs to the end: nothing worth recording.
void SweepLoop::record_decisions() {
  if (!scheduled_) return;
  const std::vector<Decision>& decisions = scheduler_->decisions();
  const size_t first_new = decisions_written_;
  for (; decisions_written_ < decisions.size(); ++decisions_written_) {
    const Decision& d = decisions[decisions_written_];
    if (d.kind == DecisionKind::start && spec_.method == SearchMethod::bayes)
      records_.events.on_trial_values(d.trial, suggested_trial(d.trial));
    records_.events.on_decision({d.sequence, unix_seconds(), d.trial, decision_kind_name(d.kind),
                                 d.epoch, d.source_trial, d.hyperparameters, d.reason});
  }
  // The journal is synced before a stop acts on checkpoints (reduced, or deleted to train again).
  records_.events.on_decisions_told();
  for (size_t i = first_new; i < decisions.size(); ++i)
    if (decisions[i].kind == DecisionKind::stop) apply_stop(decisions[i]);
  for (const CheckpointCopy& c : scheduler_->take_copies()) copies_.add(c);
  make_ready_copies();
}

// A trial still on its worker (its verdict given, or paused but winding down) ends when the
// worker is done. One whose checkpoint is not of the stop's epoch trains to it again: from its
// start when the checkpoint is ahead (a journal that lost its tail), from the checkpoint when
// a kill lost the later one. A replayed stop may have ended the trial already.
void SweepLoop::apply_stop(const Decision& d) {
  TrialState& trial = trials_[d.trial];
  if (trial.on_worker) {
    trial.verdict = Verdict{VerdictKind::stop, d.reason};
  } else if (trial.checkpointed > d.epoch) {
    trial.verdict = Verdict{VerdictKind::stop, d.reason};
    rewind(d.trial, d.epoch);
  } else if (trial.checkpointed < d.epoch && !trial.found.finished && trial.catch_up == 0) {
    trial.verdict = Verdict{VerdictKind::stop, d.reason};
    trial.catch_up = d.epoch;
    reruns_.push_back(d.trial);
  } else if (trial.status != TrialStatus::stopped && trial.catch_up == 0) {
    end_trial(d.trial, TrialStatus::stopped, d.epoch, d.reason);
  }
}

void SweepLoop::record_schedule(int64_t id, int64_t epoch) {
  if (spec_.method != SearchMethod::pbt) return;
  const std::vector<Decision>& decisions = scheduler_->decisions();
  for (; starts_indexed_ < decisions.size(); ++starts_indexed_) {
    const Decision& d = decisions[starts_indexed_];
    if (d.kind == DecisionKind::start || d.kind == DecisionKind::exploit)
      trials_[d.trial].starts.push_back(starts_indexed_);
  }
  records_.events.on_schedule_row(id, schedule_row(decisions, trials_[id].starts, id, epoch));
}

// The trial as it trains with its suggested values; its swept values are the spec's parameters
// (the suggestion adds the width and depth that go with a suggested model type).
Trial SweepLoop::suggested_trial(int64_t id) const {
  Trial trial = with_values(inputs_.trials[id], scheduler_->values(id));
  std::erase_if(trial.swept, [&](const SweptValue& v) {
    return std::none_of(spec_.parameters.begin(), spec_.parameters.end(),
                        [&](const ParameterSpec& p) { return p.path == v.path; });
  });
  return trial;
}

void SweepLoop::make_ready_copies() {
  copies_.make_ready(trials_, [&](const CheckpointCopy& c) {
    journal({SchedulerCall::Kind::copied, c.target, c.epoch, 0, c.source});
  });
}

}  // namespace hpsweep
