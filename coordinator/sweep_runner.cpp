#include "coordinator/sweep_runner.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "coordinator/exploit_checkpoint.h"
#include "coordinator/local_worker_pool.h"
#include "coordinator/progress.h"
#include "coordinator/schedulers/make_scheduler.h"
#include "coordinator/sweep_folder.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_recovery.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"

namespace hpsweep {
namespace {

constexpr std::chrono::milliseconds kRefreshInterval{500};

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int default_workers() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// sweep.h5 as the recovered state says it is: rebuilt from scratch, never read (a kill may
// have torn it).
void record_recovered(SweepWriter& writer, const std::vector<TrialRecovery>& recovered) {
  for (size_t id = 0; id < recovered.size(); ++id) {
    for (const EpochMetrics& m : recovered[id].history) writer.append_epoch(id, m);
    writer.set_status(id, recovered[id].status, recovered[id].message);
  }
  writer.flush();
}

// The last epoch whose checkpoint exists, for a trial that has recorded `epochs` epochs:
// each recorded epoch that was due a checkpoint had it written before it was recorded.
int64_t last_checkpointed_epoch(const Trial& trial, int64_t epochs) {
  const int64_t every = trial.config.checkpoint.every;
  return epochs == trial.config.training.epochs ? epochs : epochs / every * every;
}

}  // namespace

SweepSummary run_local_sweep(const SweepSpec& spec, const RunOptions& options,
                             const std::atomic<bool>& stop, std::ostream& log) {
  const SweepInputs inputs = load_sweep_inputs(spec, DataUse::load);
  const int64_t trials = static_cast<int64_t>(inputs.trials.size());
  const int workers = static_cast<int>(std::min<int64_t>(
      options.workers > 0 ? options.workers : default_workers(), std::max<int64_t>(trials, 1)));
  LocalWorkerPool pool(workers, inputs.data, options.out_dir);
  return run_sweep(spec, inputs, pool, options, stop, log);
}

SweepSummary run_sweep(const SweepSpec& spec, const SweepInputs& inputs, WorkerPool& pool,
                       const RunOptions& options, const std::atomic<bool>& stop,
                       std::ostream& log) {
  const std::vector<Trial>& trials = inputs.trials;
  const int64_t total = static_cast<int64_t>(trials.size());
  const bool scheduled = schedules_trials(spec);
  const SweepFolder folder = open_sweep_folder(spec, options.out_dir, options.restart);
  if (folder.resumed && scheduled)
    throw UserError(folder.dir.string() +
                    ": resuming a sweep with early_terminate or method pbt is not supported yet; "
                    "run it again with --restart");
  if (!folder.moved_aside.empty())
    log << "moved the earlier results to " << folder.moved_aside << "\n";
  std::vector<TrialRecovery> state =
      folder.resumed ? recover_trials(options.out_dir, trials, spec.resources.max_retries)
                     : std::vector<TrialRecovery>(total);
  SweepWriter writer((folder.dir / "sweep.h5").string(), spec, trials);
  record_recovered(writer, state);
  JournalWriter journal((folder.dir / "journal.log").string());
  const std::unique_ptr<Scheduler> scheduler = make_scheduler(spec, trials);

  int64_t finished = 0, resuming = 0;
  for (int64_t id = 0; id < total; ++id) {
    finished += state[id].finished;
    resuming += !state[id].finished && state[id].resume_epoch > 0;
  }
  log << "sweep '" << spec.name << "': " << total << " trials on " << pool.description()
      << ", results in " << folder.dir.string() << "\n";
  if (folder.resumed)
    log << "resuming: " << finished << " trials finished, " << resuming
        << " continue from their last checkpoint, " << total - finished - resuming << " start\n";

  SweepSummary summary;
  summary.resumed = folder.resumed;
  Progress progress(log, options.interactive, total, spec.metric);
  std::vector<TrialStatus> status(total, TrialStatus::pending);
  for (int64_t id = 0; id < total; ++id) {
    for (const EpochMetrics& m : state[id].history) progress.record_epoch(id, m);
    if (state[id].finished) {
      progress.record_finished();
      status[id] = state[id].status;
    }
  }
  std::vector<int64_t> recorded_epochs(total);
  for (int64_t id = 0; id < total; ++id)
    recorded_epochs[id] = static_cast<int64_t>(state[id].history.size());

  // What the scheduler knows of each trial, and what the workers are doing with it.
  std::vector<std::vector<SweptValue>> explored(total);  // by the trial's last exploit
  std::vector<int64_t> reported(total), launched_from(total), checkpointed(total);
  std::vector<std::optional<Verdict>> verdicts(total);  // a run's verdict that ends it
  std::vector<bool> on_worker(total);
  std::vector<CheckpointCopy> copies;  // exploits waiting for both checkpoints of their epoch

  const auto report = [&](int64_t id, const EpochMetrics& m) {
    const Verdict verdict = scheduler->report(id, m.epoch, curve_value(m, spec.metric.name));
    reported[id] = m.epoch;
    if (verdict.kind != VerdictKind::proceed) verdicts[id] = verdict;
    return verdict;
  };
  // A paused trial that the scheduler stops ends here; a running one when its worker is done.
  const auto stop_paused = [&](const Decision& d) {
    status[d.trial] = TrialStatus::stopped;
    journal.append({d.trial, TrialStatus::stopped, d.epoch, d.reason});
    writer.set_status(d.trial, TrialStatus::stopped, d.reason);
    progress.trial_finished(d.trial, TrialStatus::stopped, d.epoch, d.reason, false);
  };
  // Copies an exploit's checkpoint once both trials have written the epoch.
  const auto make_ready_copies = [&] {
    std::erase_if(copies, [&](const CheckpointCopy& c) {
      if (checkpointed[c.source] != c.epoch || checkpointed[c.target] != c.epoch) return false;
      copy_exploit_checkpoint(options.out_dir, c);
      return true;
    });
  };
  // After every scheduler call. Without a scheduler every trial runs to the end: nothing worth
  // recording.
  size_t decisions_written = 0;
  const auto record_decisions = [&] {
    if (!scheduled) return;
    const std::vector<Decision>& decisions = scheduler->decisions();
    for (; decisions_written < decisions.size(); ++decisions_written) {
      const Decision& d = decisions[decisions_written];
      writer.append_decision({d.sequence, unix_seconds(), d.trial, decision_kind_name(d.kind),
                              d.epoch, d.source_trial, d.hyperparameters, d.reason});
      if (d.kind == DecisionKind::stop && !on_worker[d.trial]) stop_paused(d);
    }
    writer.flush();
    for (const CheckpointCopy& c : scheduler->take_copies()) copies.push_back(c);
    make_ready_copies();
  };

  std::vector<int> free_workers;
  for (int w = pool.worker_count() - 1; w >= 0; --w) free_workers.push_back(w);
  std::deque<int64_t> retries;
  int running = 0;
  bool stopping = false;
  const auto launch = [&](int64_t id, int64_t resume_epoch) {
    status[id] = TrialStatus::running;
    writer.set_status(id, TrialStatus::running);
    writer.flush();
    launched_from[id] = resume_epoch;
    on_worker[id] = true;
    pool.start(free_workers.back(), trials[id],
               {inputs.init_for(trials[id]), resume_epoch, scheduled, explored[id]});
    free_workers.pop_back();
    ++running;
    progress.trial_started();
  };
  // Retries first; then what the scheduler says. Nothing runs while an exploit's checkpoint is
  // still to be copied: the trials involved must not start before it is.
  auto dispatch = [&] {
    while (!stopping && !free_workers.empty() && copies.empty()) {
      if (!retries.empty()) {
        const int64_t id = retries.front();
        retries.pop_front();
        launch(id, state[id].resume_epoch);
        continue;
      }
      const std::optional<TrialRun> run = scheduler->next_trial();
      record_decisions();
      if (!run) break;
      const int64_t id = run->trial;
      if (state[id].finished) {  // a resumed sweep's trial that had finished
        scheduler->trial_ended(id);
        continue;
      }
      if (run->kind == DecisionKind::exploit) explored[id] = run->hyperparameters;
      const int64_t resume_epoch = run->from_epoch > 0 ? run->from_epoch : state[id].resume_epoch;
      verdicts[id].reset();
      // A trial resumed after a kill: the scheduler hears its recorded epochs first.
      for (int64_t e = reported[id]; e < resume_epoch; ++e) report(id, state[id].history[e]);
      launch(id, resume_epoch);
    }
  };

  auto check_stop = [&] {
    if (!stop.load() || stopping) return;
    stopping = true;
    pool.request_stop();
    progress.clear();
    log << "stopping: waiting for running trials to abandon their step...\n";
  };
  check_stop();
  dispatch();
  while (running > 0) {
    check_stop();
    std::optional<WorkerEvent> event = pool.wait_event(kRefreshInterval);
    if (!event) {
      progress.refresh();
      continue;
    }
    if (auto* judge = std::get_if<JudgeEvent>(&*event)) {
      // A retried trial redoes epochs the scheduler has judged: they go on.
      const int64_t id = judge->trial_id, epoch = judge->metrics.epoch;
      AfterEpoch answer;
      if (epoch > reported[id]) {
        answer.proceed = report(id, judge->metrics).kind == VerdictKind::proceed;
        record_decisions();
        // An exploit's source that goes on must still leave its checkpoint of this epoch.
        answer.checkpoint = std::any_of(copies.begin(), copies.end(), [&](const CheckpointCopy& c) {
          return c.source == id && c.epoch == epoch;
        });
      }
      pool.after_epoch(judge->worker, epoch, answer);
      dispatch();  // a PBT barrier may have released paused trials
      continue;
    }
    if (auto* epoch = std::get_if<EpochEvent>(&*event)) {
      const int64_t id = epoch->trial_id;
      // Checkpoint first: once the curves show an epoch, its checkpoint exists. (In cluster
      // mode the group leader has written it before reporting the epoch.)
      if (epoch->checkpoint)
        write_checkpoint_file(checkpoint_path(options.out_dir, id), *epoch->checkpoint);
      if (epoch->checkpoint || epoch->checkpointed) checkpointed[id] = epoch->metrics.epoch;
      writer.append_epoch(id, epoch->metrics);
      writer.flush();
      recorded_epochs[id] = epoch->metrics.epoch;
      progress.epoch_finished(id, epoch->metrics);
      if (!scheduled && epoch->metrics.epoch > reported[id]) report(id, epoch->metrics);
      make_ready_copies();
      dispatch();
      continue;
    }
    const TrialDoneEvent& done = std::get<TrialDoneEvent>(*event);
    const TrialOutcome& outcome = done.outcome;
    const int64_t id = done.trial_id;
    free_workers.push_back(done.worker);
    --running;
    on_worker[id] = false;
    TrialRecovery& s = state[id];
    const bool ended_by_verdict = verdicts[id] && (outcome.status == TrialStatus::stopped ||
                                                   outcome.status == TrialStatus::completed);
    if (ended_by_verdict) {
      const Verdict& verdict = *verdicts[id];
      const TrialStatus final_status = verdict.kind == VerdictKind::pause  ? TrialStatus::paused
                                       : verdict.kind == VerdictKind::stop ? TrialStatus::stopped
                                                                           : TrialStatus::completed;
      status[id] = final_status;
      journal.append({id, final_status, outcome.epoch, verdict.reason});
      writer.set_status(id, final_status, verdict.reason);
      writer.flush();
      if (final_status == TrialStatus::paused)
        progress.trial_paused();
      else
        progress.trial_finished(id, final_status, outcome.epoch, verdict.reason);
    } else if (outcome.status == TrialStatus::failed &&
               ++s.failures <= spec.resources.max_retries) {
      journal.append({id, outcome.status, outcome.epoch, outcome.message});
      // Run it again from its last checkpoint; the epochs after it will be redone.
      s.resume_epoch =
          std::max(launched_from[id], last_checkpointed_epoch(trials[id], recorded_epochs[id]));
      writer.truncate_curves(id, s.resume_epoch);
      recorded_epochs[id] = s.resume_epoch;
      status[id] = TrialStatus::pending;
      writer.set_status(id, TrialStatus::pending,
                        "retry " + std::to_string(s.failures) + " of " +
                            std::to_string(spec.resources.max_retries) +
                            " after: " + outcome.message);
      writer.flush();
      progress.trial_retried(id, outcome.message);
      retries.push_back(id);
    } else {
      journal.append({id, outcome.status, outcome.epoch, outcome.message});
      if (!verdicts[id]) {  // still running for the scheduler
        scheduler->trial_ended(id);
        record_decisions();
      }
      status[id] = outcome.status;
      writer.set_status(id, outcome.status, outcome.message);
      writer.flush();
      progress.trial_finished(id, outcome.status, outcome.epoch, outcome.message);
    }
    dispatch();
  }
  progress.clear();
  for (const TrialStatus s : status) ++summary.counts[s];
  summary.best_trial = progress.best_trial();
  summary.best_value = progress.best_value();
  summary.seconds = progress.elapsed_seconds();
  summary.interrupted = stopping;
  return summary;
}

}  // namespace hpsweep
