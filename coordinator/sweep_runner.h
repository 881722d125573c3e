// The coordinator: validates everything a sweep needs before writing anything, creates the
// output folder, hands trials to free workers as a trial scheduler says, and records every
// report and decision in sweep.h5 and the checkpoint files. All file writes happen on the
// calling thread.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "common/metrics.h"
#include "common/spec.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_loop.h"
#include "coordinator/sweep_observer.h"
#include "coordinator/worker_pool.h"

namespace hpsweep {

struct RunOptions {
  std::string out_dir;
  int workers = 0;  // 0: one per core
  bool interactive = false;
  bool restart = false;      // move an existing sweep in out_dir aside instead of resuming it
  bool bind_workers = true;  // cluster mode: cluster/cpu_binding.h
  bool verbose = false;      // the coordinator's own statistics in the closing summary
  SweepObserver* observer = nullptr;  // also told what happens, e.g. the status server
};

struct SweepSummary {
  std::map<TrialStatus, int64_t> counts;
  std::optional<int64_t> best_trial;
  double best_value = 0;
  double seconds = 0;
  bool interrupted = false;
  bool resumed = false;
  LoopTiming timing;
};

// The coordinator's loop, the same in every mode: creates the output folder and sweep.h5,
// hands what the spec's trial scheduler runs next to the first free worker of `pool` (and
// retries first), judges every epoch with it, and records what workers report and what the
// scheduler decides. Throws UserError when the output folder cannot hold a new sweep, Error for I/O
// failures.
SweepSummary run_sweep(const SweepSpec& spec, const SweepInputs& inputs, WorkerPool& pool,
                       const RunOptions& options, const std::atomic<bool>& stop, std::ostream& log);

// Dev mode: validates the inputs (before anything is written), then runs the sweep on local
// worker threads.
SweepSummary run_local_sweep(const SweepSpec& spec, const RunOptions& options,
                             const std::atomic<bool>& stop, std::ostream& log);

}  // namespace hpsweep
