#include "coordinator/sweep_loop.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/error.h"
#include "common/failpoint.h"
#include "coordinator/exploit_checkpoint.h"
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
                     std::string out_dir, SweepRecords records, std::vector<TrialRecovery> state,
                     const std::vector<SchedulerCall>& calls)
    : spec_(spec),
      inputs_(inputs),
      pool_(pool),
      out_dir_(std::move(out_dir)),
      records_(records),
      events_(records.events),
      state_(std::move(state)),
      scheduler_(make_scheduler(spec, inputs.trials)),
      scheduled_(schedules_trials(spec)) {
  const size_t total = inputs.trials.size();
  status_.assign(total, TrialStatus::pending);
  recorded_epochs_.assign(total, 0);
  checkpointed_.assign(total, 0);
  copied_from_.assign(total, -1);
  copied_at_.assign(total, 0);
  for (size_t id = 0; id < total; ++id) {
    if (state_[id].finished) status_[id] = state_[id].status;
    recorded_epochs_[id] = static_cast<int64_t>(state_[id].history.size());
    checkpointed_[id] = state_[id].resume_epoch;
    copied_from_[id] = state_[id].copied_from;
    copied_at_[id] = state_[id].copied_at;
  }
  explored_.resize(total);
  starts_.resize(total);
  reported_.assign(total, 0);
  launched_from_.assign(total, 0);
  verdicts_.resize(total);
  on_worker_.assign(total, false);
  held_.assign(total, false);
  catch_up_.assign(total, 0);
  for (int w = pool.worker_count() - 1; w >= 0; --w) free_workers_.push_back(w);
  if (!calls.empty()) replay(calls);
  // The schedule of the epochs a resumed sweep recovered, now that the decisions are back;
  // of epochs the journal lost, once the scheduler has heard them again (continue_trial).
  for (size_t id = 0; id < total; ++id)
    for (int64_t epoch = 1; epoch <= std::min(recorded_epochs_[id], reported_[id]); ++epoch)
      record_schedule(id, epoch);
  // A kill between a trial's end and the retention of its checkpoint, or in the middle of it.
  for (size_t id = 0; id < total; ++id)
    if (ends_for_good(status_[id])) retain(static_cast<int64_t>(id));
  events_.on_consistent();
}

// The scheduler as the interrupted run left it. Trials it still had running (on a worker when
// the sweep stopped) run again first from their checkpoints, as retries do. A trial that a
// verdict ended but whose end the journal lacks (a kill just between) gets its status, after
// training up to the verdict's epoch again if the kill also lost that checkpoint.
void SweepLoop::replay(const std::vector<SchedulerCall>& calls) {
  std::vector<bool> active(state_.size());
  replaying_ = true;
  for (const SchedulerCall& c : calls) {
    const int64_t id = c.trial;
    switch (c.kind) {
      case SchedulerCall::Kind::next: {
        const std::optional<TrialRun> run = scheduler_->next_trial();
        if (!run || run->trial != id)
          throw Error("journal.log: the scheduler does not replay: trial " + std::to_string(id) +
                      " ran next in the journal; run the sweep again with --restart");
        if (run->kind == DecisionKind::exploit) explored_[id] = run->hyperparameters;
        verdicts_[id].reset();
        launched_from_[id] = run->from_epoch;
        active[id] = true;
        break;
      }
      case SchedulerCall::Kind::report:
        active[id] = report(id, c.epoch, c.value).kind == VerdictKind::proceed;
        break;
      case SchedulerCall::Kind::ended:
        scheduler_->trial_ended(id);
        active[id] = false;
        break;
      case SchedulerCall::Kind::copied:
        std::erase_if(copies_, [&](const CheckpointCopy& p) {
          return p.source == c.source && p.target == id && p.epoch == c.epoch;
        });
        break;
    }
    for (const CheckpointCopy& copy : scheduler_->take_copies()) copies_.push_back(copy);
  }
  replaying_ = false;
  record_decisions();
  for (int64_t id = 0; id < static_cast<int64_t>(state_.size()); ++id) {
    if (active[id] && state_[id].finished) {  // failed for good, killed before `ended`
      scheduler_->trial_ended(id);
      journal({SchedulerCall::Kind::ended, id});
    } else if (active[id]) {
      reruns_.push_back(id);
    } else if (verdicts_[id] && !state_[id].finished && checkpointed_[id] < reported_[id]) {
      catch_up_[id] = reported_[id];
      reruns_.push_back(id);
    } else if (verdicts_[id] && !state_[id].finished) {
      const TrialStatus status = status_of(verdicts_[id]->kind);
      status_[id] = status;
      if (state_[id].status == status) continue;
      events_.on_attempt_end({id, status, reported_[id], verdicts_[id]->reason});
      events_.on_trial_status(id, status, reported_[id], verdicts_[id]->reason);
    }
  }
  record_decisions();  // those of an `ended` above
}

void SweepLoop::run(const std::atomic<bool>& stop, std::ostream& log) {
  const auto check_stop = [&] {
    if (!stop.load() || stopping_) return;
    stopping_ = true;
    pool_.request_stop();
    events_.on_stop_requested();
    log << "stopping: waiting for running trials to abandon their step...\n";
  };
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const auto loop_start = Clock::now();
  check_stop();
  dispatch();
  events_.on_consistent();
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
      events_.on_idle();
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
    events_.on_consistent();
    timing_.busy_seconds += seconds_since(handling_start);
    ++timing_.events;
  }
  timing_.loop_seconds = seconds_since(loop_start);
  events_.on_sweep_end(stopping_);
}

// Reruns first (retries, held exploit sources, trials a resumed sweep continues); then what
// the scheduler says. While an exploit's checkpoint is still to be copied, the scheduler is
// not asked and neither trial of the copy runs on from the copied epoch.
void SweepLoop::dispatch() {
  while (!stopping_ && !free_workers_.empty()) {
    const auto rerun =
        std::find_if(reruns_.begin(), reruns_.end(), [&](int64_t id) { return !awaits_copy(id); });
    if (rerun != reruns_.end()) {
      const int64_t id = *rerun;
      reruns_.erase(rerun);
      continue_trial(id, state_[id].resume_epoch);
      continue;
    }
    if (!copies_.empty()) return;
    const auto ready = std::find_if(ready_.begin(), ready_.end(),
                                    [&](const TrialRun& r) { return !on_worker_[r.trial]; });
    if (ready != ready_.end()) {
      const TrialRun run = *ready;
      ready_.erase(ready);
      start_run(run);
      continue;
    }
    const std::optional<TrialRun> run = scheduler_->next_trial();
    if (run) journal({SchedulerCall::Kind::next, run->trial});
    record_decisions();
    if (!run) return;
    if (!scheduled_ && state_[run->trial].finished)  // a resumed plain sweep's finished trial
      scheduler_->trial_ended(run->trial);
    else
      ready_.push_back(*run);  // a paused trial may still be winding down on its worker
  }
}

void SweepLoop::start_run(const TrialRun& run) {
  const int64_t id = run.trial;
  if (run.kind == DecisionKind::exploit) explored_[id] = run.hyperparameters;
  // From the checkpoint the run asks for, or an earlier one when a kill lost it: the epochs
  // between are trained again, not reported again.
  const int64_t resume_epoch =
      run.from_epoch > 0 ? std::min(run.from_epoch, checkpointed_[id]) : state_[id].resume_epoch;
  verdicts_[id].reset();
  // A checkpoint ahead of the journal continues only the weights this run asks for.
  if (run.kind == DecisionKind::resume && checkpointed_[id] > run.from_epoch &&
      copied_at_[id] == run.from_epoch)
    throw UserError(checkpoint_path(out_dir_, id) + ": holds epoch " +
                    std::to_string(checkpointed_[id]) + " with the weights of trial " +
                    trial_name(copied_from_[id]) + " copied at epoch " +
                    std::to_string(copied_at_[id]) +
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
  if (checkpointed_[id] > reported_[id]) {
    const int64_t held = checkpointed_[id];
    for (int64_t epoch = reported_[id] + 1; epoch <= held; ++epoch) {
      const Verdict verdict =
          report(id, epoch, curve_value(state_[id].history[epoch - 1], spec_.metric.name));
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
  status_[id] = status;
  events_.on_attempt_end({id, status, epoch, verdict.reason});
  events_.on_trial_status(id, status, epoch, verdict.reason);
}

// Training is deterministic: the epochs up to `epoch` come out bitwise as they were. The
// checkpoint goes first, so that a kill during the retraining resumes it from the start.
void SweepLoop::rewind(int64_t id, int64_t epoch) {
  const std::string path = checkpoint_path(out_dir_, id);
  if (copied_from_[id] >= 0)
    throw UserError(path + ": holds epoch " + std::to_string(checkpointed_[id]) +
                    " with the weights of trial " + trial_name(copied_from_[id]) +
                    " copied at epoch " + std::to_string(copied_at_[id]) +
                    ", but the scheduler ends the trial at epoch " + std::to_string(epoch) +
                    ", and copied weights cannot be trained again; rerun with --restart");
  std::filesystem::remove(path);
  checkpointed_[id] = 0;
  state_[id].resume_epoch = 0;
  state_[id].history.clear();
  events_.on_curves_truncated(id, 0);
  recorded_epochs_[id] = 0;
  catch_up_[id] = epoch;
  status_[id] = TrialStatus::pending;
  const std::string reason =
      "trains again up to epoch " + std::to_string(epoch) + ", where the scheduler stops it";
  events_.on_trial_status(id, TrialStatus::pending, 0, reason);
  reruns_.push_back(id);
}

void SweepLoop::launch(int64_t id, int64_t resume_epoch) {
  status_[id] = TrialStatus::running;
  events_.on_trial_status(id, TrialStatus::running, resume_epoch, "");
  events_.on_trial_placed(id, pool_.worker_name(free_workers_.back()));
  launched_from_[id] = resume_epoch;
  on_worker_[id] = true;
  const Trial& trial = inputs_.trials[id];
  pool_.start(
      free_workers_.back(), trial,
      {inputs_.init_for(trial), resume_epoch, scheduled_, explored_[id], records_.run_generation});
  free_workers_.pop_back();
  ++running_;
}

bool SweepLoop::judge(const JudgeEvent& event) {
  const int64_t id = event.trial_id, epoch = event.metrics.epoch;
  // A retried or resumed trial redoes epochs the scheduler has judged: they go on, up to the
  // verdict's epoch when it catches up after a kill.
  bool proceed = epoch != catch_up_[id];
  if (epoch > reported_[id]) {
    proceed = report(id, epoch, curve_value(event.metrics, spec_.metric.name)).kind ==
              VerdictKind::proceed;
    record_decisions();
  }
  // An exploit's source that would go on stops with a checkpoint of this epoch and resumes
  // after the copy: going on, it would overwrite that checkpoint (under MPI its leader writes
  // it, perhaps before the copy).
  held_[id] = proceed && std::any_of(copies_.begin(), copies_.end(), [&](const CheckpointCopy& c) {
                return c.source == id && c.epoch == epoch;
              });
  return proceed && !held_[id];
}

void SweepLoop::record_epoch(const EpochEvent& event) {
  const int64_t id = event.trial_id, epoch = event.metrics.epoch;
  // Checkpoint first: once the curves show an epoch, its checkpoint exists. (In cluster
  // mode the group leader has written it before reporting the epoch.)
  if (event.checkpoint) write_checkpoint_file(checkpoint_path(out_dir_, id), *event.checkpoint);
  if (event.checkpoint || event.checkpointed) checkpointed_[id] = epoch;
  events_.on_epoch(id, event.metrics);
  record_schedule(id, epoch);
  recorded_epochs_[id] = epoch;
  if (!scheduled_ && epoch > reported_[id])
    report(id, epoch, curve_value(event.metrics, spec_.metric.name));
  make_ready_copies();
}

void SweepLoop::trial_done(const TrialDoneEvent& event) {
  const TrialOutcome& outcome = event.outcome;
  const int64_t id = event.trial_id;
  free_workers_.push_back(event.worker);
  --running_;
  on_worker_[id] = false;
  TrialRecovery& s = state_[id];
  if (held_[id] && outcome.status == TrialStatus::stopped) {
    held_[id] = false;
    s.resume_epoch = outcome.epoch;
    status_[id] = TrialStatus::paused;
    const std::string reason =
        "until an exploit has copied its checkpoint of epoch " + std::to_string(outcome.epoch);
    events_.on_trial_status(id, TrialStatus::paused, outcome.epoch, reason);
    reruns_.push_back(id);
    return;
  }
  const std::optional<Verdict>& verdict = verdicts_[id];
  if (verdict &&
      (outcome.status == TrialStatus::stopped || outcome.status == TrialStatus::completed)) {
    catch_up_[id] = 0;
    end_trial(id, status_of(verdict->kind), outcome.epoch, verdict->reason);
    return;
  }
  events_.on_attempt_end({id, outcome.status, outcome.epoch, outcome.message});
  if (outcome.status == TrialStatus::failed && ++s.failures <= spec_.resources.max_retries) {
    // Run it again from its last checkpoint; the epochs after it will be redone.
    s.resume_epoch = std::max(launched_from_[id],
                              last_checkpointed_epoch(inputs_.trials[id], recorded_epochs_[id]));
    events_.on_curves_truncated(id, s.resume_epoch);
    recorded_epochs_[id] = s.resume_epoch;
    status_[id] = TrialStatus::pending;
    const std::string reason = "retry " + std::to_string(s.failures) + " of " +
                               std::to_string(spec_.resources.max_retries) +
                               " after: " + outcome.message;
    events_.on_trial_status(id, TrialStatus::pending, s.resume_epoch, reason);
    reruns_.push_back(id);
    return;
  }
  // Still running for the scheduler; an interrupted trial stays so, for a resumed sweep.
  if (!verdict && outcome.status != TrialStatus::interrupted) {
    scheduler_->trial_ended(id);
    journal({SchedulerCall::Kind::ended, id});
    record_decisions();
  }
  status_[id] = outcome.status;
  events_.on_trial_status(id, outcome.status, outcome.epoch, outcome.message);
  if (ends_for_good(outcome.status)) retain(id);
}

// A verdict's status, journaled like an outcome.
void SweepLoop::end_trial(int64_t id, TrialStatus status, int64_t epoch,
                          const std::string& message) {
  status_[id] = status;
  events_.on_attempt_end({id, status, epoch, message});
  events_.on_trial_status(id, status, epoch, message);
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
  const Verdict verdict = scheduler_->report(id, epoch, value);
  reported_[id] = epoch;
  if (verdict.kind != VerdictKind::proceed) verdicts_[id] = verdict;
  return verdict;
}

// A plain sweep resumes without replaying its scheduler: nothing to journal.
void SweepLoop::journal(const SchedulerCall& call) {
  if (scheduled_ && !replaying_) events_.on_scheduler_call(call);
}

// Without a scheduler every trial runs to the end: nothing worth recording.
void SweepLoop::record_decisions() {
  if (!scheduled_) return;
  const std::vector<Decision>& decisions = scheduler_->decisions();
  for (; decisions_written_ < decisions.size(); ++decisions_written_) {
    const Decision& d = decisions[decisions_written_];
    const DecisionRow row{d.sequence, unix_seconds(), d.trial,           decision_kind_name(d.kind),
                          d.epoch,    d.source_trial, d.hyperparameters, d.reason};
    events_.on_decision(row);
    if (d.kind != DecisionKind::stop) continue;
    // A trial still on its worker (its verdict given, or paused but winding down) ends when the
    // worker is done; a replayed stop may have ended it already.
    if (on_worker_[d.trial]) {
      verdicts_[d.trial] = Verdict{VerdictKind::stop, d.reason};
    } else if (checkpointed_[d.trial] > d.epoch) {  // a paused trial ahead of its journal
      verdicts_[d.trial] = Verdict{VerdictKind::stop, d.reason};
      rewind(d.trial, d.epoch);
    } else if (status_[d.trial] != TrialStatus::stopped) {
      end_trial(d.trial, TrialStatus::stopped, d.epoch, d.reason);
    }
  }
  events_.on_decisions_told();
  for (const CheckpointCopy& c : scheduler_->take_copies()) copies_.push_back(c);
  make_ready_copies();
}

void SweepLoop::record_schedule(int64_t id, int64_t epoch) {
  if (spec_.method != SearchMethod::pbt) return;
  const std::vector<Decision>& decisions = scheduler_->decisions();
  for (; starts_indexed_ < decisions.size(); ++starts_indexed_) {
    const Decision& d = decisions[starts_indexed_];
    if (d.kind == DecisionKind::start || d.kind == DecisionKind::exploit)
      starts_[d.trial].push_back(starts_indexed_);
  }
  events_.on_schedule_row(id, schedule_row(decisions, starts_[id], id, epoch));
}

bool SweepLoop::awaits_copy(int64_t id) const {
  return std::any_of(copies_.begin(), copies_.end(), [&](const CheckpointCopy& c) {
    return (c.source == id || c.target == id) && checkpointed_[id] == c.epoch;
  });
}

// Copies an exploit's checkpoint once both trials have written the epoch. The target's
// checkpoint holds the copy already when the journal lost its `copied` line.
void SweepLoop::make_ready_copies() {
  std::erase_if(copies_, [&](const CheckpointCopy& c) {
    const bool copied = copied_at_[c.target] > c.epoch ||
                        (copied_at_[c.target] == c.epoch && copied_from_[c.target] == c.source);
    if (!copied) {
      if (checkpointed_[c.source] > c.epoch || checkpointed_[c.target] > c.epoch)
        throw UserError(checkpoint_path(out_dir_, c.target) + ": the scheduler copies trial " +
                        trial_name(c.source) + "'s weights of epoch " + std::to_string(c.epoch) +
                        " into it, but the checkpoints have gone on past that epoch without the "
                        "copy; rerun with --restart");
      if (checkpointed_[c.source] != c.epoch || checkpointed_[c.target] != c.epoch) return false;
      copy_exploit_checkpoint(out_dir_, c);
      copied_from_[c.target] = c.source;
      copied_at_[c.target] = c.epoch;
    }
    journal({SchedulerCall::Kind::copied, c.target, c.epoch, 0, c.source});
    return true;
  });
}

}  // namespace hpsweep
