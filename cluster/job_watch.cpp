#include "cluster/job_watch.h"

#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "common/error.h"
#include "common/exit_codes.h"

namespace hpsweep {
namespace {

constexpr int kHostChars = 64;
constexpr int kMaxAddresses = 8;
// How long the coordinator's main thread has to end the job itself (closing sweep.h5) after a
// loss, before the heartbeat's thread does it: the main thread is stuck in MPI then.
constexpr auto kMainThreadGrace = std::chrono::seconds(10);

std::string this_host() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

std::vector<std::string> gather_hosts(const Communicator& world) {
  std::vector<int> mine(kHostChars, 0);
  const std::string host = this_host().substr(0, kHostChars - 1);
  for (size_t i = 0; i < host.size(); ++i) mine[i] = static_cast<unsigned char>(host[i]);
  const std::vector<int> all = world.allgather(mine);
  std::vector<std::string> hosts;
  for (int rank = 0; rank < world.size(); ++rank) {
    std::string name;
    for (int i = 0; i < kHostChars && all[rank * kHostChars + i]; ++i)
      name += static_cast<char>(all[rank * kHostChars + i]);
    hosts.push_back(name);
  }
  return hosts;
}

std::vector<int> watched_ranks(const RankLayout& layout) {
  std::vector<int> ranks;
  for (int rank = 1; rank < layout.world_size; ++rank)
    if (layout.group_of(rank) >= 0) ranks.push_back(rank);
  return ranks;
}

// IPv4 addresses travel in the broadcast as numbers (network byte order, widened).
uint32_t ipv4_number(const std::string& dotted) {
  in_addr address{};
  inet_pton(AF_INET, dotted.c_str(), &address);
  return address.s_addr;
}

std::string ipv4_text(uint32_t number) {
  const in_addr address{number};
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, text, sizeof(text));
  return text;
}

// "60 s", "2.5 s".
std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  if (duration.count() % 1000 == 0)
    std::snprintf(text, sizeof(text), "%lld s", static_cast<long long>(duration.count() / 1000));
  else
    std::snprintf(text, sizeof(text), "%.1f s", static_cast<double>(duration.count()) / 1000);
  return text;
}

// Open MPI 4.1's mpirun, once it aborts a job, waits without bound for the daemon of a node it
// cannot reach (measured on cluster/testbed: over 100 s, with TCP keepalive set as well). After
// a loss on another node hpsweep has ended every rank it can reach, so rank 0 ends mpirun when
// it is its parent (mpirun starts the ranks of its own node). srun needs no help: Slurm ends the
// step when it declares the node down (SlurmdTimeout).
void end_mpirun_if_parent() {
  const pid_t parent = getppid();
  std::ifstream comm("/proc/" + std::to_string(parent) + "/comm");
  std::string name;
  std::getline(comm, name);
  if (name != "mpirun" && name != "mpiexec" && name != "orterun") return;
  // This process's output reaches the job's log through mpirun: give it time to pass it on.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  kill(parent, SIGKILL);
}

// One write, so that mpirun's forwarding of stderr does not split the line.
void say(const std::string& line) {
  std::cerr << "hpsweep: " + line + "\n" << std::flush;
}

}  // namespace

JobWatch::JobWatch(const Communicator& world, const RankLayout& layout,
                   std::chrono::milliseconds timeout)
    : rank_(world.rank()), timeout_(timeout), hosts_(gather_hosts(world)) {
  if (timeout.count() <= 0) return;
  const bool one_node = world.on_one_node();
  // Rank 0 tells everyone the job's token, its port and its addresses.
  std::vector<int64_t> words(3 + kMaxAddresses, 0);
  if (rank_ == 0) {
    std::random_device entropy;
    const uint64_t token = (uint64_t{entropy()} << 32) | entropy();
    coordinator_ = std::make_unique<CoordinatorHeartbeat>(HeartbeatSettings{timeout, token},
                                                          watched_ranks(layout));
    const std::vector<std::string> addresses = local_ipv4_addresses(one_node);
    words[0] = static_cast<int64_t>(token);
    words[1] = coordinator_->port();
    for (const std::string& address : addresses)
      if (words[2] < kMaxAddresses) words[3 + words[2]++] = ipv4_number(address);
    coordinator_->on_lost([this](const RanksLost& lost) {
      // A worker's own failure is an error (1) however it ends the job; a loss is 69.
      const int exit_code = lost.failure.empty() ? kExitJobLost : kExitFailure;
      std::thread([this, message = describe(lost), exit_code] {
        std::this_thread::sleep_for(kMainThreadGrace);
        end_job(message + " (the coordinator's main thread did not respond)", exit_code);
      }).detach();
    });
  }
  world.broadcast(words.data(), static_cast<int>(words.size()), 0);
  if (rank_ == 0) return;
  std::vector<HeartbeatAddress> coordinator;
  for (int64_t i = 0; i < words[2]; ++i)
    coordinator.push_back(
        {ipv4_text(static_cast<uint32_t>(words[3 + i])), static_cast<uint16_t>(words[1])});
  if (coordinator.empty())
    throw Error("rank 0 on " + hosts_[0] + " has no IPv4 address to watch the job's ranks with");
  const std::string cut_off = "rank " + std::to_string(rank_) + " on " + hosts_[rank_] +
                              ": no answer from the coordinator (rank 0 on " + hosts_[0] +
                              ") for " + seconds_text(HeartbeatSettings{timeout}.silence_limit()) +
                              " (--watchdog " + seconds_text(timeout) +
                              "): it, its node or the network is lost; ending this rank";
  worker_ = std::make_unique<WorkerHeartbeat>(
      HeartbeatSettings{timeout, static_cast<uint64_t>(words[0])}, rank_, coordinator,
      [cut_off] {
        say(cut_off);
        std::_Exit(kExitJobLost);
      },
      [](int exit_code) { std::_Exit(exit_code); });
}

std::optional<std::string> JobWatch::lost() const {
  if (!coordinator_) return std::nullopt;
  if (const auto what = coordinator_->lost()) return describe(*what);
  return std::nullopt;
}

bool JobWatch::lost_ranks() const {
  if (!coordinator_) return false;
  // A reported failure is what ended the job, even when ranks went silent too (the failed
  // rank itself, or peers slowed down by a busy node).
  const auto what = coordinator_->lost();
  return what && what->failure.empty() && !what->ranks.empty();
}

void JobWatch::sweep_over() {
  if (coordinator_) coordinator_->stop_watching();
}

std::string JobWatch::describe(const RanksLost& lost) const {
  const std::string rerun = "; ending the job: rerun it to resume the sweep from its checkpoints";
  if (!lost.failure.empty()) return lost.failure + " (its group cannot go on without it)" + rerun;
  std::map<std::string, std::vector<int>> by_host;
  for (const int rank : lost.ranks) by_host[hosts_.at(rank)].push_back(rank);
  std::string text = "lost ";
  for (const auto& [host, ranks] : by_host) {
    if (text != "lost ") text += ", ";
    text += ranks.size() == 1 ? "rank " : "ranks ";
    for (size_t i = 0; i < ranks.size(); ++i) {
      if (i) text += ",";
      text += std::to_string(ranks[i]);
    }
    text += " on " + host;
  }
  return text + ": no heartbeat for " + seconds_text(HeartbeatSettings{timeout_}.silence_limit()) +
         " (--watchdog " + seconds_text(timeout_) +
         "); the node, its network or the processes are gone" + rerun;
}

void JobWatch::end_job(const std::string& message, int exit_code) {
  say(message);
  if (coordinator_) {
    const std::optional<RanksLost> lost = coordinator_->lost();
    coordinator_->end_job(exit_code);
    if (lost && std::any_of(lost->ranks.begin(), lost->ranks.end(),
                            [&](int rank) { return hosts_.at(rank) != hosts_[0]; }))
      end_mpirun_if_parent();
  }
  std::_Exit(exit_code);
}

void JobWatch::fail(const std::string& message) {
  const std::string line =
      "rank " + std::to_string(rank_) + " on " + hosts_.at(rank_) + " failed: " + message;
  say(line);
  if (!worker_) abort_mpi_job(kExitFailure);  // no watch: MPI's launcher ends the others
  worker_->report_failure(line);
  std::_Exit(kExitFailure);
}

}  // namespace hpsweep
