// Cluster mode's workers, as the coordinator (rank 0) sees them: one worker per group of
// ranks, reached through its leader with control messages on the world communicator.
#pragma once

#include <chrono>
#include <vector>

#include "common/communicator.h"
#include "coordinator/rank_layout.h"
#include "coordinator/worker_pool.h"

namespace hpsweep {

class MpiWorkerPool : public WorkerPool {
 public:
  MpiWorkerPool(const Communicator& world, RankLayout layout);
  // Tells every group to finalize, also when the sweep ends in an error: no rank is left
  // waiting for a trial that will never come.
  ~MpiWorkerPool() override;

  int worker_count() const override { return layout_.groups; }
  std::string description() const override;
  // init_from checkpoints are read by the group's ranks themselves.
  void start(int worker, const Trial& trial, const TrialLaunch& launch) override;
  std::optional<WorkerEvent> wait_event(std::chrono::milliseconds timeout) override;
  // Workers receive the launcher's SIGINT/SIGTERM themselves and vote to stop together
  // (worker/trainer.cpp); the coordinator only stops dispatching.
  void request_stop() override {}
  void after_epoch(int worker, int64_t epoch, bool proceed) override;

 private:
  const Communicator& world_;
  RankLayout layout_;
  // A moving average of how long wait_event waited for a message; sets its polling pause.
  std::chrono::steady_clock::duration typical_gap_ = std::chrono::milliseconds(250);
};

}  // namespace hpsweep
