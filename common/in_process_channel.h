// Ranks as threads of one process: every rank has a mailbox; a send queues the bytes there and
// a receive waits on it (without polling), taking the oldest message that matches, so that
// messages between two ranks keep their order, as MPI's do.
#pragma once

#include <memory>
#include <vector>

#include "common/message_channel.h"

namespace hpsweep {

class InProcessNetwork {
 public:
  explicit InProcessNetwork(int size);
  ~InProcessNetwork();

  // The channel of rank `rank`; valid while the network lives. Any thread may use it.
  const MessageChannel& channel(int rank) const;

 private:
  struct Mailbox;
  class Channel;
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;
  std::vector<std::unique_ptr<Channel>> channels_;
};

}  // namespace hpsweep
