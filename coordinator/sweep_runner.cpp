#include "coordinator/sweep_runner.h"

#include <deque>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "coordinator/local_worker_pool.h"
#include "coordinator/progress.h"
#include "coordinator/sweep_inputs.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"

namespace hpsweep {
namespace {

constexpr std::chrono::milliseconds kRefreshInterval{500};

std::filesystem::path prepare_out_dir(const std::string& out_dir) {
  const std::filesystem::path dir(out_dir);
  if (std::filesystem::exists(dir / "sweep.h5"))
    throw UserError((dir / "sweep.h5").string() + ": already exists; pick a new --out folder");
  std::error_code error;
  std::filesystem::create_directories(dir / "checkpoints", error);
  if (error) throw UserError(out_dir + ": cannot create the output folder: " + error.message());
  return dir;
}

int default_workers() {
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

SweepSummary run_local_sweep(const SweepSpec& spec, const RunOptions& options,
                             const std::atomic<bool>& stop, std::ostream& log) {
  const SweepInputs inputs = load_sweep_inputs(spec, DataUse::load);
  const int64_t trials = static_cast<int64_t>(inputs.trials.size());
  const int workers = static_cast<int>(std::min<int64_t>(
      options.workers > 0 ? options.workers : default_workers(), std::max<int64_t>(trials, 1)));
  LocalWorkerPool pool(workers, inputs.data);
  return run_sweep(spec, inputs, pool, options, stop, log);
}

SweepSummary run_sweep(const SweepSpec& spec, const SweepInputs& inputs, WorkerPool& pool,
                       const RunOptions& options, const std::atomic<bool>& stop,
                       std::ostream& log) {
  const std::filesystem::path dir = prepare_out_dir(options.out_dir);
  SweepWriter writer((dir / "sweep.h5").string(), spec, inputs.trials);

  const int64_t total = static_cast<int64_t>(inputs.trials.size());
  const int workers = pool.worker_count();
  log << "sweep '" << spec.name << "': " << total << " trials on " << pool.description()
      << ", results in " << dir.string() << "\n";
  Progress progress(log, options.interactive, total, spec.metric);

  std::deque<int64_t> pending;
  for (const Trial& trial : inputs.trials) pending.push_back(trial.id);
  std::vector<int> free_workers;
  for (int w = workers - 1; w >= 0; --w) free_workers.push_back(w);
  int running = 0;
  bool stopping = false;
  SweepSummary summary;

  auto dispatch = [&] {
    while (!stopping && !pending.empty() && !free_workers.empty()) {
      const Trial& trial = inputs.trials[pending.front()];
      pending.pop_front();
      writer.set_status(trial.id, TrialStatus::running);
      writer.flush();
      pool.start(free_workers.back(), trial, inputs.init_for(trial));
      free_workers.pop_back();
      ++running;
      progress.trial_started();
    }
  };

  dispatch();
  while (running > 0) {
    if (stop.load() && !stopping) {
      stopping = true;
      pool.request_stop();
      progress.clear();
      log << "stopping: waiting for running trials to abandon their epoch...\n";
    }
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
      progress.epoch_finished(epoch->trial_id, epoch->metrics);
      continue;
    }
    const TrialDoneEvent& done = std::get<TrialDoneEvent>(*event);
    writer.set_status(done.trial_id, done.outcome.status, done.outcome.message);
    writer.flush();
    ++summary.counts[done.outcome.status];
    progress.trial_finished(done.trial_id, done.outcome.status, done.outcome.epoch,
                            done.outcome.message);
    free_workers.push_back(done.worker);
    --running;
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
