#include "common/heartbeat.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <cstring>
#include <future>
#include <map>
#include <thread>

namespace hpsweep {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kMagic = 0x48505342;  // "HPSB"
constexpr uint16_t kVersion = 1;
constexpr size_t kHeaderBytes = 20;
constexpr size_t kMaxDatagram = 1200;  // fits any network's MTU

enum class Kind : uint16_t { beat = 1, answer = 2, end = 3, failed = 4 };

struct Datagram {
  Kind kind;
  uint64_t token;
  int32_t rank;
  std::string text;  // Kind::failed: the worker's message
};
// Kind::end carries the job's exit code in `rank`, so that every rank exits with it.

std::vector<uint8_t> encode(const Datagram& d) {
  const size_t text = std::min(d.text.size(), kMaxDatagram - kHeaderBytes);
  std::vector<uint8_t> bytes(kHeaderBytes + text);
  const uint16_t kind = static_cast<uint16_t>(d.kind);
  std::memcpy(&bytes[0], &kMagic, 4);
  std::memcpy(&bytes[4], &kVersion, 2);
  std::memcpy(&bytes[6], &kind, 2);
  std::memcpy(&bytes[8], &d.token, 8);
  std::memcpy(&bytes[16], &d.rank, 4);
  std::memcpy(bytes.data() + kHeaderBytes, d.text.data(), text);
  return bytes;
}

// nullopt for anything that is not a datagram of this version of this job.
std::optional<Datagram> decode(const uint8_t* bytes, size_t size, uint64_t token) {
  if (size < kHeaderBytes) return std::nullopt;
  uint32_t magic;
  uint16_t version, kind;
  Datagram d{};
  std::memcpy(&magic, &bytes[0], 4);
  std::memcpy(&version, &bytes[4], 2);
  std::memcpy(&kind, &bytes[6], 2);
  std::memcpy(&d.token, &bytes[8], 8);
  std::memcpy(&d.rank, &bytes[16], 4);
  if (magic != kMagic || version != kVersion || d.token != token || kind < 1 || kind > 4)
    return std::nullopt;
  d.kind = static_cast<Kind>(kind);
  d.text.assign(reinterpret_cast<const char*>(bytes) + kHeaderBytes, size - kHeaderBytes);
  return d;
}

// The socket, its thread and a periodic tick, shared by both sides. Everything that touches
// the socket runs on the thread (Asio sockets are not safe to share between threads).
class Channel {
 public:
  Channel(std::chrono::milliseconds tick, std::function<void()> on_tick,
          std::function<void(const uint8_t*, size_t, const udp::endpoint&)> on_datagram)
      : socket_(io_, udp::endpoint(udp::v4(), 0)),
        timer_(io_),
        tick_(tick),
        on_tick_(std::move(on_tick)),
        on_datagram_(std::move(on_datagram)) {}
  // Separate from construction, so that the callbacks' owner can hold the channel first.
  void start() {
    receive();
    schedule_tick();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Channel() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  uint16_t port() const { return socket_.local_endpoint().port(); }
  // On the channel's thread only; a lost datagram is not an error (the next beat follows).
  void send(const std::vector<uint8_t>& bytes, const udp::endpoint& to) {
    boost::system::error_code ignored;
    socket_.send_to(asio::buffer(bytes), to, 0, ignored);
  }
  // Runs `work` on the channel's thread and waits for it.
  void run_on_thread(const std::function<void()>& work) {
    if (std::this_thread::get_id() == thread_.get_id()) return work();  // from a callback
    std::promise<void> done;
    asio::post(io_, [&] {
      work();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  void receive() {
    socket_.async_receive_from(asio::buffer(buffer_), sender_,
                               [this](const boost::system::error_code& error, size_t size) {
                                 if (error == asio::error::operation_aborted) return;
                                 if (!error) on_datagram_(buffer_.data(), size, sender_);
                                 receive();
                               });
  }
  void schedule_tick() {
    timer_.expires_after(tick_);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      on_tick_();
      schedule_tick();
    });
  }

  asio::io_context io_;
  udp::socket socket_;
  asio::steady_timer timer_;
  std::chrono::milliseconds tick_;
  std::function<void()> on_tick_;
  std::function<void(const uint8_t*, size_t, const udp::endpoint&)> on_datagram_;
  std::array<uint8_t, kMaxDatagram> buffer_{};
  udp::endpoint sender_;
  std::thread thread_;
};

// The coordinator checks 5 times per interval: a loss is then reported at most a fifth of an
// interval after the silence limit, within the timeout.
std::chrono::milliseconds checking_tick(const HeartbeatSettings& settings) {
  return std::max(settings.interval() / 5, std::chrono::milliseconds(10));
}

}  // namespace

std::chrono::milliseconds HeartbeatSettings::interval() const {
  return std::clamp(timeout / 6, std::chrono::milliseconds(50), std::chrono::milliseconds(10000));
}

std::vector<std::string> local_ipv4_addresses(bool with_loopback) {
  std::vector<std::string> addresses, loopback;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return with_loopback ? std::vector<std::string>{"127.0.0.1"} : addresses;
  for (const ifaddrs* entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET || !(entry->ifa_flags & IFF_UP))
      continue;
    const auto* ip = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    const std::string text = asio::ip::address_v4(ntohl(ip->sin_addr.s_addr)).to_string();
    (entry->ifa_flags & IFF_LOOPBACK ? loopback : addresses).push_back(text);
  }
  freeifaddrs(list);
  if (with_loopback) addresses.insert(addresses.end(), loopback.begin(), loopback.end());
  return addresses;
}

struct CoordinatorHeartbeat::State {
  HeartbeatSettings settings;
  mutable std::mutex mutex;
  std::map<int, Clock::time_point> last_heard;  // the watched ranks
  std::map<int, udp::endpoint> endpoints;       // where each rank beats from
  bool watching = true;
  std::optional<RanksLost> lost;
  std::function<void(const RanksLost&)> handler;
  std::unique_ptr<Channel> channel;  // last: its thread stops before the rest goes

  // With the mutex held; the handler runs after it is released.
  std::function<void()> declare(RanksLost what) {
    if (!watching || lost) return {};
    lost = std::move(what);
    if (!handler) return {};
    return [handler = handler, lost = *lost] { handler(lost); };
  }

  void tick() {
    std::function<void()> notify;
    {
      const std::lock_guard lock(mutex);
      RanksLost silent;
      const auto now = Clock::now();
      for (const auto& [rank, heard] : last_heard)
        if (now - heard > settings.silence_limit()) silent.ranks.push_back(rank);
      if (!silent.ranks.empty()) notify = declare(std::move(silent));
    }
    if (notify) notify();
  }

  void receive(const uint8_t* bytes, size_t size, const udp::endpoint& sender) {
    const auto d = decode(bytes, size, settings.token);
    if (!d) return;
    std::function<void()> notify;
    {
      const std::lock_guard lock(mutex);
      if (d->kind == Kind::beat) {
        if (last_heard.count(d->rank)) last_heard[d->rank] = Clock::now();
        endpoints[d->rank] = sender;
      } else if (d->kind == Kind::failed) {
        notify = declare(RanksLost{{}, d->text, d->rank});
      }
    }
    if (d->kind == Kind::beat) channel->send(encode({Kind::answer, settings.token, 0, {}}), sender);
    if (notify) notify();
  }
};

CoordinatorHeartbeat::CoordinatorHeartbeat(HeartbeatSettings settings, std::vector<int> ranks)
    : state_(std::make_unique<State>()) {
  state_->settings = settings;
  for (const int rank : ranks) state_->last_heard[rank] = Clock::now();
  State* state = state_.get();
  state_->channel = std::make_unique<Channel>(
      checking_tick(settings), [state] { state->tick(); },
      [state](const uint8_t* bytes, size_t size, const udp::endpoint& sender) {
        state->receive(bytes, size, sender);
      });
  state_->channel->start();
}

CoordinatorHeartbeat::~CoordinatorHeartbeat() {
  state_->channel.reset();
}

uint16_t CoordinatorHeartbeat::port() const {
  return state_->channel->port();
}

std::optional<RanksLost> CoordinatorHeartbeat::lost() const {
  const std::lock_guard lock(state_->mutex);
  return state_->lost;
}

void CoordinatorHeartbeat::on_lost(std::function<void(const RanksLost&)> handler) {
  const std::lock_guard lock(state_->mutex);
  state_->handler = std::move(handler);
}

void CoordinatorHeartbeat::stop_watching() {
  const std::lock_guard lock(state_->mutex);
  state_->watching = false;
}

void CoordinatorHeartbeat::end_job(int exit_code) {
  std::vector<udp::endpoint> endpoints;
  {
    const std::lock_guard lock(state_->mutex);
    for (const auto& [rank, endpoint] : state_->endpoints) endpoints.push_back(endpoint);
  }
  const std::vector<uint8_t> end = encode({Kind::end, state_->settings.token, exit_code, {}});
  state_->channel->run_on_thread([&] {
    for (const auto& endpoint : endpoints) state_->channel->send(end, endpoint);
  });
}

struct WorkerHeartbeat::State {
  HeartbeatSettings settings;
  int rank = 0;
  std::vector<udp::endpoint> coordinator;  // every address until one answers
  std::optional<udp::endpoint> answering;
  Clock::time_point last_answer = Clock::now();
  bool cut_off = false;
  std::function<void()> on_cut_off;
  std::function<void(int)> on_end;
  std::unique_ptr<Channel> channel;

  // All on the channel's thread.
  void send_to_coordinator(const std::vector<uint8_t>& bytes) {
    if (answering) return channel->send(bytes, *answering);
    for (const auto& endpoint : coordinator) channel->send(bytes, endpoint);
  }
  void tick() {
    send_to_coordinator(encode({Kind::beat, settings.token, rank, {}}));
    if (!cut_off && Clock::now() - last_answer > settings.silence_limit()) {
      cut_off = true;
      on_cut_off();
    }
  }
  void receive(const uint8_t* bytes, size_t size, const udp::endpoint& sender) {
    const auto d = decode(bytes, size, settings.token);
    if (!d) return;
    if (d->kind == Kind::answer) {
      last_answer = Clock::now();
      answering = sender;
    } else if (d->kind == Kind::end) {
      on_end(d->rank);
    }
  }
};

WorkerHeartbeat::WorkerHeartbeat(HeartbeatSettings settings, int rank,
                                 std::vector<HeartbeatAddress> coordinator,
                                 std::function<void()> on_cut_off, std::function<void(int)> on_end)
    : state_(std::make_unique<State>()) {
  state_->settings = settings;
  state_->rank = rank;
  for (const auto& address : coordinator)
    state_->coordinator.emplace_back(asio::ip::make_address_v4(address.ip), address.port);
  state_->on_cut_off = std::move(on_cut_off);
  state_->on_end = std::move(on_end);
  State* state = state_.get();
  state_->channel = std::make_unique<Channel>(
      settings.interval(), [state] { state->tick(); },
      [state](const uint8_t* bytes, size_t size, const udp::endpoint& sender) {
        state->receive(bytes, size, sender);
      });
  state_->channel->start();
  state_->channel->run_on_thread([state] {
    state->send_to_coordinator(encode({Kind::beat, state->settings.token, state->rank, {}}));
  });
}

WorkerHeartbeat::~WorkerHeartbeat() {
  state_->channel.reset();
}

void WorkerHeartbeat::report_failure(const std::string& message) {
  State* state = state_.get();
  const std::vector<uint8_t> failed =
      encode({Kind::failed, state->settings.token, state->rank, message});
  state->channel->run_on_thread([&] { state->send_to_coordinator(failed); });
}

}  // namespace hpsweep
