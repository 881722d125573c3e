#include "coordinator/sweep_runner.h"

#include <deque>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "coordinator/local_worker_pool.h"
#include "coordinator/progress.h"
#include "coordinator/sweep_folder.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_recovery.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"

namespace hpsweep {
namespace {

constexpr std::chrono::milliseconds kRefreshInterval{500};

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
  const SweepFolder folder = open_sweep_folder(spec, options.out_dir, options.restart);
  if (!folder.moved_aside.empty())
    log << "moved the earlier results to " << folder.moved_aside << "\n";
  std::vector<TrialRecovery> state =
      folder.resumed ? recover_trials(options.out_dir, trials, spec.resources.max_retries)
                     : std::vector<TrialRecovery>(total);
  SweepWriter writer((folder.dir / "sweep.h5").string(), spec, trials);
  record_recovered(writer, state);
  JournalWriter journal((folder.dir / "journal.log").string());

  std::deque<int64_t> pending;
  int64_t finished = 0, resuming = 0;
  for (int64_t id = 0; id < total; ++id) {
    if (state[id].finished)
      ++finished;
    else
      pending.push_back(id);
    resuming += !state[id].finished && state[id].resume_epoch > 0;
  }
  log << "sweep '" << spec.name << "': " << total << " trials on " << pool.description()
      << ", results in " << folder.dir.string() << "\n";
  if (folder.resumed)
    log << "resuming: " << finished << " trials finished, " << resuming
        << " continue from their last checkpoint, " << pending.size() - resuming << " start\n";

  SweepSummary summary;
  summary.resumed = folder.resumed;
  Progress progress(log, options.interactive, total, spec.metric);
  for (int64_t id = 0; id < total; ++id) {
    for (const EpochMetrics& m : state[id].history) progress.record_epoch(id, m);
    if (state[id].finished) {
      progress.record_finished();
      ++summary.counts[state[id].status];
    }
  }
  std::vector<int64_t> recorded_epochs(total);
  for (int64_t id = 0; id < total; ++id)
    recorded_epochs[id] = static_cast<int64_t>(state[id].history.size());

  std::vector<int> free_workers;
  for (int w = pool.worker_count() - 1; w >= 0; --w) free_workers.push_back(w);
  int running = 0;
  bool stopping = false;
  auto dispatch = [&] {
    while (!stopping && !pending.empty() && !free_workers.empty()) {
      const Trial& trial = trials[pending.front()];
      pending.pop_front();
      writer.set_status(trial.id, TrialStatus::running);
      writer.flush();
      pool.start(free_workers.back(), trial,
                 {inputs.init_for(trial), state[trial.id].resume_epoch});
      free_workers.pop_back();
      ++running;
      progress.trial_started();
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
    if (auto* epoch = std::get_if<EpochEvent>(&*event)) {
      // Checkpoint first: once the curves show an epoch, its checkpoint exists. (In cluster
      // mode the group leader has written it before reporting the epoch.)
      if (epoch->checkpoint)
        write_checkpoint_file(checkpoint_path(options.out_dir, epoch->trial_id),
                              *epoch->checkpoint);
      writer.append_epoch(epoch->trial_id, epoch->metrics);
      writer.flush();
      recorded_epochs[epoch->trial_id] = epoch->metrics.epoch;
      progress.epoch_finished(epoch->trial_id, epoch->metrics);
      continue;
    }
    const TrialDoneEvent& done = std::get<TrialDoneEvent>(*event);
    const TrialOutcome& outcome = done.outcome;
    const int64_t id = done.trial_id;
    journal.append({id, outcome.status, outcome.epoch, outcome.message});
    free_workers.push_back(done.worker);
    --running;
    TrialRecovery& s = state[id];
    if (outcome.status == TrialStatus::failed && ++s.failures <= spec.resources.max_retries) {
      // Run it again from its last checkpoint; the epochs after it will be redone.
      s.resume_epoch = last_checkpointed_epoch(trials[id], recorded_epochs[id]);
      writer.truncate_curves(id, s.resume_epoch);
      recorded_epochs[id] = s.resume_epoch;
      writer.set_status(id, TrialStatus::pending,
                        "retry " + std::to_string(s.failures) + " of " +
                            std::to_string(spec.resources.max_retries) +
                            " after: " + outcome.message);
      writer.flush();
      progress.trial_retried(id, outcome.message);
      pending.push_back(id);
    } else {
      writer.set_status(id, outcome.status, outcome.message);
      writer.flush();
      ++summary.counts[outcome.status];
      progress.trial_finished(id, outcome.status, outcome.epoch, outcome.message);
    }
    dispatch();
  }
  progress.clear();
  summary.counts[TrialStatus::pending] += static_cast<int64_t>(pending.size());
  summary.best_trial = progress.best_trial();
  summary.best_value = progress.best_value();
  summary.seconds = progress.elapsed_seconds();
  summary.interrupted = stopping;
  return summary;
}

}  // namespace hpsweep
