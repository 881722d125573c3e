// What the coordinator and the group leaders exchange: byte messages with a tag between
// numbered ranks. MPI carries them in cluster mode (cluster/communicator.h); threads of one
// process in tests (common/in_process_channel.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace hpsweep {

inline constexpr int kAnySource = -1;

struct ReceivedMessage {
  int source;
  std::vector<uint8_t> bytes;
};

class MessageChannel {
 public:
  virtual ~MessageChannel() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  virtual void send(int destination, int tag, const std::vector<uint8_t>& bytes) const = 0;
  // Waits up to `timeout` for a message with `tag` from `source` (kAnySource for any). An
  // implementation that polls sleeps between polls for twice as long each time, up to
  // `max_pause`: a longer pause wakes the process less often (less CPU, fewer preempted
  // workers) but answers later. A zero timeout looks once and never sleeps.
  virtual std::optional<ReceivedMessage> receive(int source, int tag,
                                                 std::chrono::milliseconds timeout,
                                                 std::chrono::microseconds max_pause) const = 0;
};

}  // namespace hpsweep
