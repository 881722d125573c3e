#include "coordinator/sweep_runner.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "common/error.h"
#include "coordinator/exploit_check.h"
#include "coordinator/journal_recorder.h"
#include "coordinator/local_worker_pool.h"
#include "coordinator/progress.h"
#include "coordinator/progress_listener.h"
#include "coordinator/schedulers/make_scheduler.h"
#include "coordinator/sweep_events.h"
#include "coordinator/sweep_file_recorder.h"
#include "coordinator/sweep_folder.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_loop.h"
#include "coordinator/sweep_recovery.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"

namespace hpsweep {
namespace {

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

// A listener starts from what sweep.h5 starts from (every trial pending unless told otherwise).
void tell_recovered(SweepObserver& observer, const SweepSpec& spec,
                    const std::vector<Trial>& trials, const std::vector<TrialRecovery>& recovered) {
  observer.on_sweep_begin(spec, trials);
  for (size_t id = 0; id < recovered.size(); ++id) {
    for (const EpochMetrics& m : recovered[id].history) observer.on_epoch(id, m);
    if (recovered[id].status != TrialStatus::pending || !recovered[id].message.empty())
      observer.on_trial_status(id, recovered[id].status,
                               static_cast<int64_t>(recovered[id].history.size()),
                               recovered[id].message);
  }
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
  if (!folder.moved_aside.empty())
    log << "moved the earlier results to " << folder.moved_aside << "\n";
  std::vector<TrialRecovery> state =
      folder.resumed
          ? recover_trials(options.out_dir, trials, spec.resources.max_retries, scheduled)
          : std::vector<TrialRecovery>(total);
  SweepWriter writer((folder.dir / "sweep.h5").string(), spec, trials);
  record_recovered(writer, state);
  JournalWriter journal((folder.dir / "journal.log").string());

  int64_t finished = 0, resuming = 0;
  for (int64_t id = 0; id < total; ++id) {
    finished += state[id].finished;
    resuming += !state[id].finished && state[id].resume_epoch > 0;
  }
  log << "sweep '" << spec.name << "': " << total << " trials on " << pool.description()
      << ", results in " << folder.dir.string() << "\n";
  for (const std::string& warning : spec.warnings) log << "hpsweep: warning: " << warning << "\n";
  if (const std::string warning = spec.metric.selection_warning(); !warning.empty())
    log << warning << "\n";
  if (folder.resumed)
    log << "resuming: " << finished << " trials finished, " << resuming
        << " continue from their last checkpoint, " << total - finished - resuming << " start\n";

  std::vector<int64_t> planned_epochs;
  for (const Trial& trial : trials) planned_epochs.push_back(trial.config.training.epochs);
  Progress progress(log, options.interactive, std::move(planned_epochs), spec.metric);
  for (int64_t id = 0; id < total; ++id) {
    for (const EpochMetrics& m : state[id].history) progress.record_epoch(id, m);
    if (state[id].finished) progress.record_finished(id);
  }
  const std::vector<SchedulerCall> calls =
      folder.resumed && scheduled ? read_scheduler_calls((folder.dir / "journal.log").string())
                                  : std::vector<SchedulerCall>();
  std::map<int64_t, CheckpointCopy> last_copies;
  for (const SchedulerCall& c : calls)
    if (c.kind == SchedulerCall::Kind::copied) last_copies[c.trial] = {c.source, c.trial, c.epoch};
  check_exploit_copies(options.out_dir, last_copies, log);
  if (options.observer) tell_recovered(*options.observer, spec, trials, state);
  // The records first, then the views.
  SweepFileRecorder sweep_file(writer);
  JournalRecorder journal_recorder(journal);
  ProgressListener progress_listener(progress, trials.size());
  SweepEvents events;
  events.add(sweep_file);
  events.add(journal_recorder);
  events.add(progress_listener);
  if (options.observer) events.add(*options.observer);
  SweepLoop loop(spec, inputs, pool, options.out_dir, {events, sweep_file, folder.run_generation},
                 std::move(state), calls);
  loop.run(stop, log);

  SweepSummary summary;
  summary.resumed = folder.resumed;
  for (const TrialStatus s : loop.statuses()) ++summary.counts[s];
  summary.best_trial = progress.best_trial();
  summary.best_value = progress.best_value();
  summary.seconds = progress.elapsed_seconds();
  // Under a launcher the workers can see the signal before the coordinator does: their
  // interrupted trials may end the loop before it notices its own stop flag.
  summary.interrupted =
      loop.stopped() || stop.load() || summary.counts[TrialStatus::interrupted] > 0;
  summary.timing = loop.timing();
  summary.timing.flushes = sweep_file.writes();
  summary.timing.flush_seconds = sweep_file.write_seconds();
  summary.timing.syncs = journal_recorder.syncs();
  summary.timing.sync_seconds = journal_recorder.sync_seconds();
  return summary;
}

}  // namespace hpsweep
