// A dev-mode sweep stopped from outside after a while, as Ctrl-C or --time-limit would stop it:
// the resume tests cut sweeps at many moments this way.
#pragma once

#include <chrono>

#include "common/spec.h"
#include "coordinator/sweep_runner.h"

namespace hpsweep::testing {

// run_local_sweep with its stop flag set after `stop_after` (zero: never); the log is dropped.
SweepSummary run_local_sweep_stopped_after(const SweepSpec& spec, const RunOptions& options,
                                           std::chrono::milliseconds stop_after);

}  // namespace hpsweep::testing
