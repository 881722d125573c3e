#include "common/in_process_channel.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

namespace hpsweep {

struct InProcessNetwork::Mailbox {
  struct Envelope {
    int source;
    int tag;
    std::vector<uint8_t> bytes;
  };
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<Envelope> envelopes;
};

class InProcessNetwork::Channel : public MessageChannel {
 public:
  Channel(const InProcessNetwork& network, int rank) : network_(network), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(network_.mailboxes_.size()); }

  void send(int destination, int tag, const std::vector<uint8_t>& bytes) const override {
    if (destination < 0 || destination >= size())
      throw std::out_of_range("no rank " + std::to_string(destination));
    Mailbox& mailbox = *network_.mailboxes_[destination];
    {
      std::lock_guard lock(mailbox.mutex);
      mailbox.envelopes.push_back({rank_, tag, bytes});
    }
    mailbox.arrived.notify_all();
  }

  std::optional<ReceivedMessage> receive(int source, int tag, std::chrono::milliseconds timeout,
                                         std::chrono::microseconds) const override {
    Mailbox& mailbox = *network_.mailboxes_[rank_];
    std::unique_lock lock(mailbox.mutex);
    auto match = mailbox.envelopes.end();
    const auto found = [&] {
      for (match = mailbox.envelopes.begin(); match != mailbox.envelopes.end(); ++match)
        if (match->tag == tag && (source == kAnySource || match->source == source)) return true;
      return false;
    };
    if (!mailbox.arrived.wait_for(lock, timeout, found)) return std::nullopt;
    ReceivedMessage message{match->source, std::move(match->bytes)};
    mailbox.envelopes.erase(match);
    return message;
  }

 private:
  const InProcessNetwork& network_;
  int rank_;
};

InProcessNetwork::InProcessNetwork(int size) {
  for (int rank = 0; rank < size; ++rank) {
    mailboxes_.push_back(std::make_unique<Mailbox>());
    channels_.push_back(std::make_unique<Channel>(*this, rank));
  }
}

InProcessNetwork::~InProcessNetwork() = default;

const MessageChannel& InProcessNetwork::channel(int rank) const {
  return *channels_.at(rank);
}

}  // namespace hpsweep
