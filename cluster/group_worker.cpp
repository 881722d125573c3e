#include "cluster/group_worker.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include "cluster/mpi_group.h"
#include "common/control_messages.h"
#include "common/exit_codes.h"
#include "common/failpoint.h"
#include "storage/checkpoint_file.h"
#include "worker/trainer.h"

namespace hpsweep {
namespace {

constexpr int kCoordinator = 0;

// The leader writes each epoch's checkpoint, then reports the epoch: once the coordinator
// records an epoch, its checkpoint exists.
class LeaderObserver : public TrialObserver {
 public:
  LeaderObserver(const Communicator& world, const std::string& out_dir, int64_t trial_id,
                 int64_t run_generation, const std::function<void(const std::string&)>& fail)
      : world_(world), fence_{out_dir, run_generation}, trial_id_(trial_id), fail_(fail) {}
  void on_epoch(const EpochMetrics& metrics, std::optional<CheckpointData> checkpoint) override {
    if (checkpoint) write_fenced(*checkpoint);
    world_.send(kCoordinator, kControlTag,
                encode_message(EpochMessage{trial_id_, metrics, checkpoint.has_value()}));
  }

 private:
  // A later run of the folder has started, so this job's coordinator is gone (killed with
  // mpirun, this rank orphaned): the process ends at once, writing nothing more. Its group
  // peers and the coordinator cannot be told, and any further MPI call could wait forever.
  void write_fenced(const CheckpointData& checkpoint) {
    try {
      write_checkpoint_file(checkpoint_path(fence_.dir, trial_id_), checkpoint, fence_);
    } catch (const SupersededError& e) {
      std::cerr << "rank " << world_.rank() << ": " << e.what() << "; exiting\n";
      std::_Exit(kExitFailure);
    } catch (const NoSpaceError& e) {
      fail_(e.what());  // ends the whole job, and the rerun resumes this trial
      throw;
    }
  }

  const Communicator& world_;
  const RunFence fence_;
  int64_t trial_id_;
  const std::function<void(const std::string&)>& fail_;
};

class SilentObserver : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics&, std::optional<CheckpointData>) override {}
};

// Waits for the coordinator's next message, sleeping between polls: 0.2 ms pauses at most, so
// a waiting group starts its next trial or epoch at most that late (the coordinator answers
// within a millisecond or so; a group with nothing to run has a core to spare).
ControlMessage receive_from_coordinator(const Communicator& world) {
  std::optional<ReceivedMessage> received;
  while (!(received = world.receive(kCoordinator, kControlTag, std::chrono::seconds(1),
                                    std::chrono::microseconds(200)))) {
  }
  return decode_message(received->bytes);
}

// A judged trial (a scheduled sweep): after every epoch the leader asks the coordinator what
// to do and passes the answer to its group, so that every rank goes on or stops alike.
class JudgedObserver : public TrialObserver {
 public:
  JudgedObserver(TrialObserver& inner, const Communicator& world, const Communicator& group,
                 int64_t trial_id, bool& shutdown)
      : inner_(inner), world_(world), group_(group), trial_id_(trial_id), shutdown_(shutdown) {}
  void on_epoch(const EpochMetrics& metrics, std::optional<CheckpointData> checkpoint) override {
    inner_.on_epoch(metrics, std::move(checkpoint));
  }
  bool proceed(const EpochMetrics& metrics) override {
    int64_t proceed = 0;
    if (group_.rank() == 0) {
      world_.send(kCoordinator, kControlTag, encode_message(JudgeMessage{trial_id_, metrics}));
      const ControlMessage message = receive_from_coordinator(world_);
      if (auto* verdict = std::get_if<VerdictMessage>(&message))
        proceed = verdict->proceed;
      else
        shutdown_ = true;  // the coordinator is going down: stop here
    }
    group_.broadcast(&proceed, 1, 0);
    return proceed != 0;
  }

 private:
  TrialObserver& inner_;
  const Communicator& world_;
  const Communicator& group_;
  int64_t trial_id_;
  bool& shutdown_;
};

// MPI broadcasts int64 words: `bytes` from the group's rank `root` to every rank.
void broadcast_bytes(const Communicator& group, std::vector<uint8_t>& bytes, int root = 0) {
  int64_t size = static_cast<int64_t>(bytes.size());
  group.broadcast(&size, 1, root);
  std::vector<int64_t> words((size + 7) / 8);
  if (size > 0 && group.rank() == root) std::memcpy(words.data(), bytes.data(), bytes.size());
  group.broadcast(words.data(), static_cast<int>(words.size()), root);
  bytes.resize(size);
  if (size > 0) std::memcpy(bytes.data(), words.data(), bytes.size());
}

// Every rank's error from preparing a trial (empty: none) becomes, on every rank, the error of
// the first rank that had one. Files can fail on one node and not on another; agreeing before
// training means no rank waits forever in a collective that a failed peer never joins.
std::string agree_on_error(const Communicator& world, const Communicator& group,
                           const std::string& local_error) {
  if (group.size() == 1) return local_error;
  std::vector<double> failed(group.size(), 0.0);
  failed[group.rank()] = local_error.empty() ? 0.0 : 1.0;
  group.allreduce_sum(failed.data(), static_cast<int64_t>(failed.size()));
  const auto first = std::find(failed.begin(), failed.end(), 1.0);
  if (first == failed.end()) return {};
  const int root = static_cast<int>(first - failed.begin());
  std::vector<uint8_t> bytes;
  if (group.rank() == root) {
    const std::string text = "rank " + std::to_string(world.rank()) + ": " + local_error;
    bytes.assign(text.begin(), text.end());
  }
  broadcast_bytes(group, bytes, root);
  return std::string(bytes.begin(), bytes.end());
}

// The leader waits for the coordinator and passes the assignment on to its group; nullopt:
// no more trials.
std::optional<AssignTrialMessage> next_trial(const Communicator& world, const Communicator& group,
                                             bool shutdown) {
  std::vector<uint8_t> bytes;
  if (group.rank() == 0 && !shutdown) {
    const ControlMessage message = receive_from_coordinator(world);
    if (std::holds_alternative<AssignTrialMessage>(message)) bytes = encode_message(message);
  }
  broadcast_bytes(group, bytes);
  if (bytes.empty()) return std::nullopt;
  return std::get<AssignTrialMessage>(decode_message(bytes));
}

std::unique_ptr<TrainingGroup> make_group(const Communicator& group, ReducerKind reducer) {
  // A group of one trains exactly as dev mode does, without any MPI call.
  if (group.size() == 1) return std::make_unique<SoloGroup>();
  return std::make_unique<MpiGroup>(group, reducer);
}

// Trains the trials the coordinator assigns until it says there are no more.
// `fail` ends the job (cluster/job_watch.h).
void serve(const std::vector<Trial>& trials, const std::string& out_dir, const Communicator& world,
           const Communicator& group, const std::atomic<bool>& stop, TrainingGroup& training_group,
           const std::function<void(const std::string&)>& fail) {
  DataCatalog datasets;
  bool shutdown = false;
  for (auto next = next_trial(world, group, shutdown); next;
       next = next_trial(world, group, shutdown)) {
    const Trial trial = with_values(trials.at(next->trial_id), next->hyperparameters);
    const int64_t resume_epoch = next->resume_epoch;
    TrialOutcome outcome;
    std::string setup_error;
    std::unique_ptr<CheckpointData> init, resume;
    try {
      failpoint("trial-setup");
      const std::string key = dataset_key(trial.config.dataset);
      if (!trial.config.model.trains_no_network() && !datasets.count(key))
        datasets.emplace(key, load_dataset(trial.config.dataset));
      if (!trial.config.training.finetune.from.empty())
        init = std::make_unique<CheckpointData>(
            read_checkpoint_file(trial.config.training.finetune.from));
      if (resume_epoch > 0)
        resume = std::make_unique<CheckpointData>(
            read_resume_checkpoint(out_dir, trial.id, resume_epoch));
    } catch (const std::exception& e) {
      setup_error = e.what();
    }
    setup_error = agree_on_error(world, group, setup_error);
    if (!setup_error.empty()) {
      outcome = {TrialStatus::failed, 0, setup_error};
    } else {
      LeaderObserver leader(world, out_dir, trial.id, next->run_generation, fail);
      SilentObserver silent;
      TrialObserver& own = group.rank() == 0 ? static_cast<TrialObserver&>(leader) : silent;
      JudgedObserver judged(own, world, group, trial.id, shutdown);
      TrialObserver& observer = next->judged ? static_cast<TrialObserver&>(judged) : own;
      outcome = run_trial_of_its_type(trial, datasets, {init.get(), resume.get(), out_dir},
                                      observer, stop, training_group);
    }
    if (group.rank() == 0)
      world.send(kCoordinator, kControlTag,
                 encode_message(
                     TrialEndMessage{trial.id, outcome.status, outcome.epoch, outcome.message}));
  }
}

}  // namespace

void serve_trials(const std::vector<Trial>& trials, const std::string& out_dir, ReducerKind reducer,
                  const Communicator& world, const Communicator& group,
                  const std::atomic<bool>& stop,
                  const std::function<void(const std::string&)>& fail) {
  const std::unique_ptr<TrainingGroup> training_group = make_group(group, reducer);
  try {
    serve(trials, out_dir, world, group, stop, *training_group, fail);
  } catch (const std::exception& e) {
    fail(e.what());  // while training_group lives: its destructor is collective
  }
}

}  // namespace hpsweep
