// Cluster mode's workers, as the coordinator (rank 0) sees them: one worker per group of
// ranks, reached through its leader with control messages on the world communicator (or, in
// tests, on an in-process channel).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/message_channel.h"
#include "coordinator/rank_layout.h"
#include "coordinator/worker_pool.h"

namespace hpsweep {

// The job lost a rank, a node or a worker (JobWatch): the sweep loop unwinds, closing sweep.h5.
class JobLostError : public Error {
 public:
  using Error::Error;
};

class MpiWorkerPool : public WorkerPool {
 public:
  // `lost` says what the job has lost, if anything (cluster/job_watch.h); wait_event then throws
  // JobLostError.
  using LostCheck = std::function<std::optional<std::string>()>;
  // `hosts`: each rank's node, for worker_name (none: names without nodes).
  MpiWorkerPool(const MessageChannel& world, RankLayout layout, LostCheck lost = {},
                std::vector<std::string> hosts = {});
  // Tells every group to finalize, also when the sweep ends in an error: no rank is left
  // waiting for a trial that will never come. Not after a loss: a send to a lost rank can
  // block, and the job ends anyway.
  ~MpiWorkerPool() override;

  int worker_count() const override { return layout_.groups; }
  std::string description() const override;
  std::string worker_name(int worker) const override;  // "group 2 (ranks 5-6 on node3)"
  // init_from checkpoints are read by the group's ranks themselves.
  void start(int worker, const Trial& trial, const TrialLaunch& launch) override;
  std::optional<WorkerEvent> wait_event(std::chrono::milliseconds timeout) override;
  // Workers receive the launcher's SIGINT/SIGTERM themselves and vote to stop together
  // (worker/trainer.cpp); the coordinator only stops dispatching.
  void request_stop() override {}
  void after_epoch(int worker, int64_t epoch, bool proceed) override;

 private:
  std::optional<std::string> lost() const { return lost_ ? lost_() : std::nullopt; }

  const MessageChannel& world_;
  std::vector<std::string> hosts_;
  RankLayout layout_;
  LostCheck lost_;
  // A moving average of how long wait_event waited for a message; sets its polling pause.
  std::chrono::steady_clock::duration typical_gap_ = std::chrono::milliseconds(250);
};

}  // namespace hpsweep
