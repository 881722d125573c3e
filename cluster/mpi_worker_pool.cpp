#include "cluster/mpi_worker_pool.h"

#include <algorithm>

#include "common/control_messages.h"
#include "common/error.h"

namespace hpsweep {

MpiWorkerPool::MpiWorkerPool(const MessageChannel& world, RankLayout layout, LostCheck lost,
                             std::vector<std::string> hosts)
    : world_(world), hosts_(std::move(hosts)), layout_(std::move(layout)), lost_(std::move(lost)) {}

MpiWorkerPool::~MpiWorkerPool() {
  if (lost()) return;
  const std::vector<uint8_t> shutdown = encode_message(ShutdownMessage{});
  for (int group = 0; group < layout_.groups; ++group) {
    try {
      world_.send(layout_.leader_of(group), kControlTag, shutdown);
    } catch (const std::exception&) {
      // The job is going down anyway; mpirun reports ranks that did not finalize.
    }
  }
}

std::string MpiWorkerPool::description() const {
  const int r = layout_.ranks_per_trial;
  std::string text = std::to_string(layout_.groups) + " MPI group" +
                     (layout_.groups == 1 ? "" : "s") + " of " + std::to_string(r) + " rank" +
                     (r == 1 ? "" : "s");
  if (!layout_.idle_ranks.empty())
    text += " (" + std::to_string(layout_.idle_ranks.size()) + " rank" +
            (layout_.idle_ranks.size() == 1 ? "" : "s") + " left idle)";
  return text;
}

std::string MpiWorkerPool::worker_name(int worker) const {
  const int first = layout_.leader_of(worker), last = first + layout_.ranks_per_trial - 1;
  std::vector<std::string> nodes;  // the group's nodes, in rank order, each once
  for (int rank = first; rank <= last && rank < static_cast<int>(hosts_.size()); ++rank)
    if (std::find(nodes.begin(), nodes.end(), hosts_[rank]) == nodes.end())
      nodes.push_back(hosts_[rank]);
  std::string on;
  for (const std::string& node : nodes) on += (on.empty() ? " on " : ", ") + node;
  return "group " + std::to_string(worker) + " (rank" +
         (first == last ? " " + std::to_string(first)
                        : "s " + std::to_string(first) + "-" + std::to_string(last)) +
         on + ")";
}

void MpiWorkerPool::start(int worker, const Trial& trial, const TrialLaunch& launch) {
  // The group's ranks read init_from and resume checkpoints themselves.
  world_.send(layout_.leader_of(worker), kControlTag,
              encode_message(AssignTrialMessage{trial.id, launch.resume_epoch, launch.judged,
                                                launch.hyperparameters, launch.run_generation}));
}

std::optional<WorkerEvent> MpiWorkerPool::wait_event(std::chrono::milliseconds timeout) {
  // The coordinator shares a core with workers and polls with sleeps. Their longest pause is
  // 1/50 of the typical gap between messages (within 0.1 to 5 ms): a message waits about 1%
  // of that gap, and polling costs a bounded number of wake-ups per message, whether epochs
  // take seconds or, for simulated trials, milliseconds.
  const auto waiting_since = std::chrono::steady_clock::now();
  const auto max_pause =
      std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(typical_gap_ / 50),
                 std::chrono::microseconds(100), std::chrono::microseconds(5000));
  if (const auto what = lost()) throw JobLostError(*what);
  std::optional<ReceivedMessage> received =
      world_.receive(kAnySource, kControlTag, timeout, max_pause);
  if (!received) return std::nullopt;  // the sweep loop calls again, and sees a loss above
  typical_gap_ = (7 * typical_gap_ + (std::chrono::steady_clock::now() - waiting_since)) / 8;
  const ControlMessage message = decode_message(received->bytes);
  if (auto* epoch = std::get_if<EpochMessage>(&message))
    return EpochEvent{epoch->trial_id, epoch->metrics, std::nullopt, epoch->checkpointed};
  if (auto* judge = std::get_if<JudgeMessage>(&message))
    return JudgeEvent{judge->trial_id, layout_.group_of(received->source), judge->metrics};
  if (auto* end = std::get_if<TrialEndMessage>(&message))
    return TrialDoneEvent{end->trial_id, layout_.group_of(received->source),
                          TrialOutcome{end->status, end->epoch, end->message}};
  throw Error("rank " + std::to_string(received->source) +
              " sent the coordinator a message only the coordinator sends");
}

void MpiWorkerPool::after_epoch(int worker, int64_t epoch, bool proceed) {
  world_.send(layout_.leader_of(worker), kControlTag,
              encode_message(VerdictMessage{epoch, proceed}));
}

}  // namespace hpsweep
