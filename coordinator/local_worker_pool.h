// Dev mode's workers: one thread per worker, each training one trial at a time in-process on
// the shared, read-only datasets.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/blocking_queue.h"
#include "coordinator/worker_pool.h"
#include "worker/data/dataset.h"

namespace hpsweep {

class LocalWorkerPool : public WorkerPool {
 public:
  // Checkpoints to resume from are read from `out_dir` (on the caller's thread, like every
  // HDF5 call in dev mode).
  LocalWorkerPool(int workers, const DataCatalog& data, std::string out_dir);
  ~LocalWorkerPool() override;  // joins the threads; running trials are stopped first

  int worker_count() const override { return static_cast<int>(slots_.size()); }
  std::string description() const override;
  std::string worker_name(int worker) const override { return "thread " + std::to_string(worker); }
  void start(int worker, const Trial& trial, const TrialLaunch& launch) override;
  std::optional<WorkerEvent> wait_event(std::chrono::milliseconds timeout) override;
  void request_stop() override { stop_ = true; }
  void after_epoch(int worker, int64_t epoch, bool proceed) override;

 private:
  struct Slot {
    std::optional<Trial> trial;
    std::shared_ptr<const CheckpointData> init_from, resume;
    bool judged = false;
  };
  void work(int worker);
  // On `worker`'s thread: sends the epoch to be judged and waits for after_epoch().
  bool await_verdict(int worker, int64_t trial_id, const EpochMetrics& metrics);

  const DataCatalog& data_;
  std::string out_dir_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable assigned_;
  std::vector<std::optional<bool>> verdicts_;  // per worker: after_epoch's answer, not yet taken
  std::condition_variable answered_;
  bool shutting_down_ = false;
  std::atomic<bool> stop_{false};
  BlockingQueue<WorkerEvent> events_;
};

}  // namespace hpsweep
