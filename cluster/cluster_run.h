// `hpsweep run` in cluster mode (launched by mpirun or srun): rank 0 coordinates, the other
// ranks serve trials in their groups.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "coordinator/sweep_runner.h"

namespace hpsweep {

// Returns the process exit code (common/exit_codes.h). `stopped_exit_code` is the code for a
// sweep that `stop` ended (it depends on what stopped it: a signal or --time-limit).
// `before_sweep` runs on rank 0 only, once the spec is read, and may add to the options (the
// status server's observer).
using CoordinatorSetup = std::function<void(const SweepSpec& spec, RunOptions& options)>;

int run_cluster(const std::string& spec_path, const RunOptions& options,
                std::chrono::milliseconds watchdog, const std::atomic<bool>& stop,
                const std::function<int()>& stopped_exit_code,
                const CoordinatorSetup& before_sweep = {});

}  // namespace hpsweep
