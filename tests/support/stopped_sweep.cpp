#include "support/stopped_sweep.h"

#include <atomic>
#include <sstream>
#include <thread>

namespace hpsweep::testing {

SweepSummary run_local_sweep_stopped_after(const SweepSpec& spec, const RunOptions& options,
                                           std::chrono::milliseconds stop_after) {
  std::atomic<bool> stop{false};
  // A jthread joins when it goes, also when run_local_sweep throws.
  const std::jthread timer([&] {
    if (stop_after.count() == 0) return;
    std::this_thread::sleep_for(stop_after);
    stop = true;
  });
  std::ostringstream log;
  return run_local_sweep(spec, options, stop, log);
}

}  // namespace hpsweep::testing
