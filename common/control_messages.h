// The control messages between the coordinator (rank 0) and group leaders, on the world
// communicator with tag kControlTag. Each message starts with a magic number, the protocol
// version and its kind; a rank that receives another version refuses it by name rather than
// misreading it. Gradients never travel here: they stay on each group's own communicator.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/metrics.h"
#include "common/trial.h"

namespace hpsweep {

inline constexpr int kControlTag = 7001;
inline constexpr uint32_t kProtocolVersion = 2;

struct AssignTrialMessage {  // coordinator -> leader: train this trial of the spec
  int64_t trial_id;
  int64_t resume_epoch;  // > 0: continue from the trial's checkpoint of this epoch
  bool judged = false;   // wait for a VerdictMessage after every epoch (a scheduled sweep)
  std::vector<SweptValue> hyperparameters;  // PBT's explored values, over the spec's
  int64_t run_generation = 0;               // the folder's run, which the leader's checkpoint
                                            // writes carry (storage/run_fence.h)
};
struct ShutdownMessage {};  // coordinator -> leader: no more trials, finalize
struct EpochMessage {       // leader -> coordinator: an epoch finished (checkpoint written)
  int64_t trial_id;
  EpochMetrics metrics;
  bool checkpointed = false;  // a checkpoint of this epoch was written
};
struct TrialEndMessage {  // leader -> coordinator: the trial ended
  int64_t trial_id;
  TrialStatus status;
  int64_t epoch;
  std::string message;
};

struct JudgeMessage {  // leader -> coordinator: a judged trial finished an epoch, waits
  int64_t trial_id;
  EpochMetrics metrics;
};
struct VerdictMessage {  // coordinator -> leader: what the judged trial does after the epoch
  int64_t epoch;
  bool proceed;
};

using ControlMessage = std::variant<AssignTrialMessage, ShutdownMessage, EpochMessage,
                                    TrialEndMessage, JudgeMessage, VerdictMessage>;

std::vector<uint8_t> encode_message(const ControlMessage& message);
// Throws Error for a foreign, truncated or other-version message.
ControlMessage decode_message(const std::vector<uint8_t>& bytes);

}  // namespace hpsweep
