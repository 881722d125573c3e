#include "worker/group_worker.h"

#include <array>
#include <map>
#include <memory>

#include "common/control_messages.h"
#include "storage/checkpoint_file.h"
#include "worker/mpi_group.h"
#include "worker/trainer.h"

namespace hpsweep {
namespace {

constexpr int kCoordinator = 0;
constexpr int64_t kNoMoreTrials = -1;

// The leader writes each epoch's checkpoint, then reports the epoch: once the coordinator
// records an epoch, its checkpoint exists.
class LeaderObserver : public TrialObserver {
 public:
  LeaderObserver(const Communicator& world, std::string out_dir, int64_t trial_id)
      : world_(world), out_dir_(std::move(out_dir)), trial_id_(trial_id) {}
  void on_epoch(const EpochMetrics& metrics, std::optional<CheckpointData> checkpoint) override {
    if (checkpoint) write_checkpoint_file(checkpoint_path(out_dir_, trial_id_), *checkpoint);
    world_.send(kCoordinator, kControlTag, encode_message(EpochMessage{trial_id_, metrics}));
  }

 private:
  const Communicator& world_;
  std::string out_dir_;
  int64_t trial_id_;
};

class SilentObserver : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics&, std::optional<CheckpointData>) override {}
};

// The leader waits for the coordinator (sleeping between polls) and passes the trial on:
// {trial id or kNoMoreTrials, epoch to resume from}.
std::array<int64_t, 2> next_trial(const Communicator& world, const Communicator& group) {
  std::array<int64_t, 2> next = {kNoMoreTrials, 0};
  if (group.rank() == 0) {
    std::optional<ReceivedMessage> received;
    // A free group answers fast (1 ms pauses at most) so that it starts its next trial soon.
    while (!(received = world.receive(kCoordinator, kControlTag, std::chrono::seconds(1),
                                      std::chrono::milliseconds(1)))) {
    }
    const ControlMessage message = decode_message(received->bytes);
    if (auto* assign = std::get_if<AssignTrialMessage>(&message))
      next = {assign->trial_id, assign->resume_epoch};
  }
  group.broadcast(next.data(), 2, 0);
  return next;
}

std::unique_ptr<TrainingGroup> make_group(const Communicator& group, ReducerKind reducer) {
  // A group of one trains exactly as dev mode does, without any MPI call.
  if (group.size() == 1) return std::make_unique<SoloGroup>();
  return std::make_unique<MpiGroup>(group, reducer);
}

}  // namespace

void serve_trials(const std::vector<Trial>& trials, const std::string& out_dir, ReducerKind reducer,
                  const Communicator& world, const Communicator& group,
                  const std::atomic<bool>& stop) {
  std::map<std::string, TrainTestData> datasets;
  const std::unique_ptr<TrainingGroup> training_group = make_group(group, reducer);
  for (auto next = next_trial(world, group); next[0] != kNoMoreTrials;
       next = next_trial(world, group)) {
    const Trial& trial = trials.at(next[0]);
    const int64_t resume_epoch = next[1];
    TrialOutcome outcome;
    try {
      const std::string key = dataset_key(trial.config.dataset);
      if (!datasets.count(key)) datasets.emplace(key, load_dataset(trial.config.dataset));
      std::unique_ptr<CheckpointData> init, resume;
      if (!trial.config.training.init_from.empty())
        init =
            std::make_unique<CheckpointData>(read_checkpoint_file(trial.config.training.init_from));
      if (resume_epoch > 0)
        resume = std::make_unique<CheckpointData>(
            read_resume_checkpoint(out_dir, trial.id, resume_epoch));
      LeaderObserver leader(world, out_dir, trial.id);
      SilentObserver silent;
      TrialObserver& observer = group.rank() == 0 ? static_cast<TrialObserver&>(leader) : silent;
      outcome = run_trial(trial, datasets.at(key), {init.get(), resume.get()}, observer, stop,
                          *training_group);
    } catch (const std::exception& e) {
      outcome = {TrialStatus::failed, 0, e.what()};
    }
    if (group.rank() == 0)
      world.send(kCoordinator, kControlTag,
                 encode_message(
                     TrialEndMessage{trial.id, outcome.status, outcome.epoch, outcome.message}));
  }
}

}  // namespace hpsweep
