// How trials reach workers. The coordinator's loop (sweep_runner) is the same in every mode;
// a WorkerPool hides whether workers are local threads (dev mode) or MPI rank groups (cluster
// mode): it starts a trial on a free worker and delivers what workers report, as events.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "common/checkpoint_data.h"
#include "common/metrics.h"
#include "common/trial.h"
#include "worker/trainer.h"

namespace hpsweep {

struct EpochEvent {
  int64_t trial_id;
  EpochMetrics metrics;
  std::optional<CheckpointData> checkpoint;  // for the coordinator to write; none when the
                                             // worker has written it (cluster mode)
  bool checkpointed = false;                 // cluster mode: the leader wrote it
};

struct TrialDoneEvent {
  int64_t trial_id;
  int worker;
  TrialOutcome outcome;
};

// A judged trial finished an epoch and waits for WorkerPool::after_epoch before it reports
// the epoch (EpochEvent) and trains on or ends.
struct JudgeEvent {
  int64_t trial_id;
  int worker;
  EpochMetrics metrics;
};

using WorkerEvent = std::variant<EpochEvent, TrialDoneEvent, JudgeEvent>;

// How a trial starts on a worker.
struct TrialLaunch {
  std::shared_ptr<const CheckpointData> init_from;  // dev mode; cluster ranks read it themselves
  int64_t resume_epoch = 0;  // > 0: continue from the trial's own checkpoint of this epoch
  bool judged = false;       // a scheduled sweep: every epoch waits for after_epoch()
  std::vector<SweptValue> hyperparameters;  // PBT's explored values, over the trial's own
  int64_t run_generation = 0;  // cluster mode: the folder's run, for the leader's checkpoint
                               // writes (storage/run_fence.h)
};

class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  virtual int worker_count() const = 0;
  virtual std::string description() const = 0;  // "2 local worker threads"
  // Where a trial started on `worker` runs, for people ("thread 3", "group 2 (ranks 5-6)").
  virtual std::string worker_name(int worker) const { return "worker " + std::to_string(worker); }
  // Starts `trial` on `worker`, which must be free.
  virtual void start(int worker, const Trial& trial, const TrialLaunch& launch) = 0;
  // The next event, or nullopt after `timeout` without one. Blocks without spinning.
  virtual std::optional<WorkerEvent> wait_event(std::chrono::milliseconds timeout) = 0;
  // Asks running trials to stop at their next minibatch; each still reports TrialDoneEvent.
  virtual void request_stop() = 0;
  // Answers the JudgeEvent of the judged trial on `worker` for `epoch`: train on, or stop
  // after it (the trial then checkpoints that epoch and ends with status `stopped`).
  virtual void after_epoch(int worker, int64_t epoch, bool proceed) = 0;
};

}  // namespace hpsweep
