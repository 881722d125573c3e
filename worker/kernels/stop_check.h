// Abandoning a training step or an evaluation part-way when the trial is asked to stop
// (SIGTERM, SIGINT, --time-limit), so that a stop takes effect within seconds even when one
// step takes minutes (docs/resume.md, "Signals and time limits"). Layers check the stop flag
// between their children (BatchContext::stop); a long kernel (a convolution over a large
// batch) checks it between its chunks of samples, through the flag its layer put on the
// calling thread (KernelStopScope). Nothing computed before the throw is used afterwards: the
// trainer catches StepCancelled before the optimizer step and reports the trial `interrupted`.
#pragma once

#include <atomic>
#include <stdexcept>

namespace hpsweep {

class StepCancelled : public std::runtime_error {
 public:
  StepCancelled() : std::runtime_error("step abandoned: stop requested") {}
};

inline void throw_if_stopped(const std::atomic<bool>* stop) {
  if (stop && stop->load(std::memory_order_relaxed)) throw StepCancelled();
}

// The stop flag that kernels on this thread check (null: none; kernels never throw then).
inline thread_local const std::atomic<bool>* t_kernel_stop = nullptr;

// Puts `stop` on this thread for the kernels called in its lifetime.
class KernelStopScope {
 public:
  explicit KernelStopScope(const std::atomic<bool>* stop) : saved_(t_kernel_stop) {
    t_kernel_stop = stop;
  }
  ~KernelStopScope() { t_kernel_stop = saved_; }
  KernelStopScope(const KernelStopScope&) = delete;
  KernelStopScope& operator=(const KernelStopScope&) = delete;

 private:
  const std::atomic<bool>* saved_;
};

// For kernels, between chunks of samples, outside any parallel region.
inline void check_kernel_stop() {
  throw_if_stopped(t_kernel_stop);
}

}  // namespace hpsweep
