#include "coordinator/local_worker_pool.h"

#include <functional>
#include <utility>

#include "storage/checkpoint_file.h"
#include "worker/trainer.h"

namespace hpsweep {
namespace {

// Forwards a trial's epochs to the coordinator's event queue; `judge`, when set, decides
// whether the trial trains past an epoch.
class QueueObserver : public TrialObserver {
 public:
  QueueObserver(int64_t trial_id, BlockingQueue<WorkerEvent>& events,
                std::function<bool(const EpochMetrics&)> judge)
      : trial_id_(trial_id), events_(events), judge_(std::move(judge)) {}
  void on_epoch(const EpochMetrics& metrics, std::optional<CheckpointData> checkpoint) override {
    events_.push(EpochEvent{trial_id_, metrics, std::move(checkpoint)});
  }
  bool proceed(const EpochMetrics& metrics) override { return !judge_ || judge_(metrics); }

 private:
  int64_t trial_id_;
  BlockingQueue<WorkerEvent>& events_;
  std::function<bool(const EpochMetrics&)> judge_;
};

}  // namespace

LocalWorkerPool::LocalWorkerPool(int workers, const DataCatalog& data, std::string out_dir)
    : data_(data), out_dir_(std::move(out_dir)), slots_(workers), verdicts_(workers) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i] { work(i); });
}

std::string LocalWorkerPool::description() const {
  return std::to_string(worker_count()) + " local worker thread" + (worker_count() == 1 ? "" : "s");
}

LocalWorkerPool::~LocalWorkerPool() {
  stop_ = true;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  assigned_.notify_all();
  answered_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void LocalWorkerPool::start(int worker, const Trial& trial, const TrialLaunch& launch) {
  std::shared_ptr<const CheckpointData> resume;
  if (launch.resume_epoch > 0)
    resume = std::make_shared<const CheckpointData>(
        read_resume_checkpoint(out_dir_, trial.id, launch.resume_epoch));
  {
    std::lock_guard lock(mutex_);
    slots_[worker] = Slot{with_values(trial, launch.hyperparameters), launch.init_from,
                          std::move(resume), launch.judged};
  }
  assigned_.notify_all();
}

void LocalWorkerPool::after_epoch(int worker, int64_t, bool proceed) {
  {
    std::lock_guard lock(mutex_);
    verdicts_[worker] = proceed;
  }
  answered_.notify_all();
}

bool LocalWorkerPool::await_verdict(int worker, int64_t trial_id, const EpochMetrics& metrics) {
  events_.push(JudgeEvent{trial_id, worker, metrics});
  std::unique_lock lock(mutex_);
  answered_.wait(lock, [&] { return shutting_down_ || verdicts_[worker].has_value(); });
  if (shutting_down_) return false;
  return *std::exchange(verdicts_[worker], std::nullopt);
}

std::optional<WorkerEvent> LocalWorkerPool::wait_event(std::chrono::milliseconds timeout) {
  return events_.pop(timeout);
}

void LocalWorkerPool::work(int worker) {
  while (true) {
    Slot slot;
    {
      std::unique_lock lock(mutex_);
      assigned_.wait(lock, [&] { return shutting_down_ || slots_[worker].trial.has_value(); });
      if (shutting_down_) return;
      slot = std::move(slots_[worker]);
      slots_[worker] = Slot{};
    }
    const Trial& trial = *slot.trial;
    std::function<bool(const EpochMetrics&)> judge;
    if (slot.judged)
      judge = [this, worker, id = trial.id](const EpochMetrics& m) {
        return await_verdict(worker, id, m);
      };
    QueueObserver observer(trial.id, events_, std::move(judge));
    SoloGroup group;
    TrialOutcome outcome = run_trial_of_its_type(
        trial, data_, {slot.init_from.get(), slot.resume.get(), out_dir_}, observer, stop_, group);
    events_.push(TrialDoneEvent{trial.id, worker, std::move(outcome)});
  }
}

}  // namespace hpsweep
