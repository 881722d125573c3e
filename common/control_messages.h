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

namespace hpsweep {

inline constexpr int kControlTag = 7001;
inline constexpr uint32_t kProtocolVersion = 1;

struct AssignTrialMessage {  // coordinator -> leader: train this trial of the spec
  int64_t trial_id;
  int64_t resume_epoch;  // > 0: continue from the trial's checkpoint of this epoch
};
struct ShutdownMessage {};  // coordinator -> leader: no more trials, finalize
struct EpochMessage {       // leader -> coordinator: an epoch finished (checkpoint written)
  int64_t trial_id;
  EpochMetrics metrics;
};
struct TrialEndMessage {  // leader -> coordinator: the trial ended
  int64_t trial_id;
  TrialStatus status;
  int64_t epoch;
  std::string message;
};

using ControlMessage =
    std::variant<AssignTrialMessage, ShutdownMessage, EpochMessage, TrialEndMessage>;

std::vector<uint8_t> encode_message(const ControlMessage& message);
// Throws Error for a foreign, truncated or other-version message.
ControlMessage decode_message(const std::vector<uint8_t>& bytes);

}  // namespace hpsweep
