// Liveness of a cluster job's ranks, watched outside MPI. Every worker rank sends the coordinator
// a small UDP datagram every `interval`, and the coordinator answers each one. The coordinator
// reports the ranks it has not heard from for `silence_limit`; a worker that hears nothing back
// for as long knows it is cut off from the coordinator. The limit is one interval short of
// `timeout`, so that a loss is reported within `timeout` of it, whenever it falls between beats.
//
// Why not MPI: a rank whose node died or whose network dropped leaves its peers waiting inside
// a collective or a send, and TCP notices only after minutes (measured: a job waited 140 s, until
// the link came back). The MPI library runs funneled (main thread only), and a main thread
// blocked in MPI cannot be interrupted, so the watch runs on a thread of its own with its own
// socket (Boost.Asio).
//
// Datagrams carry the job's token, so one from an earlier job's stray process is ignored. A
// worker may also report its own failure (a message), so that the coordinator ends the job at
// once instead of after `timeout`, and the coordinator can tell every worker to end.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>  // heartbeat.cpp: Boost 1.74's Asio uses std::exchange without it
#include <vector>

namespace hpsweep {

struct HeartbeatSettings {
  std::chrono::milliseconds timeout{60000};
  uint64_t token = 0;  // the job's: chosen by the coordinator, broadcast to every rank

  // How often a worker beats: 6 beats per timeout, so one or two lost datagrams never count
  // as a lost rank; at least every 10 s, at most every 50 ms.
  std::chrono::milliseconds interval() const;
  // How long a side may stay silent: timeout - interval (5 missed beats at the default).
  std::chrono::milliseconds silence_limit() const { return timeout - interval(); }
};

// What the coordinator learned: the ranks it lost, or a worker's own failure.
struct RanksLost {
  std::vector<int> ranks;  // silent for longer than the silence limit, ascending
  std::string failure;     // or: a worker reported this failure ("rank 3: ...")
  int failed_rank = -1;
};

struct HeartbeatAddress {
  std::string ip;  // IPv4, dotted
  uint16_t port = 0;
};

// This host's IPv4 addresses, loopback last (included only when `with_loopback`).
std::vector<std::string> local_ipv4_addresses(bool with_loopback);

class CoordinatorHeartbeat {
 public:
  // Listens on every IPv4 interface, at an ephemeral port, and watches `ranks` from now on.
  CoordinatorHeartbeat(HeartbeatSettings settings, std::vector<int> ranks);
  ~CoordinatorHeartbeat();
  CoordinatorHeartbeat(const CoordinatorHeartbeat&) = delete;
  CoordinatorHeartbeat& operator=(const CoordinatorHeartbeat&) = delete;

  uint16_t port() const;
  // What has gone wrong so far, if anything (thread-safe; the sweep loop polls it).
  std::optional<RanksLost> lost() const;
  // Called once, on the heartbeat thread, when something is first lost.
  void on_lost(std::function<void(const RanksLost&)> handler);
  // The sweep is over: ranks may now finish at different times. Beats are still answered.
  void stop_watching();
  // Tells every worker heard from to end its process now, with the job's exit code.
  void end_job(int exit_code);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class WorkerHeartbeat {
 public:
  // `coordinator`: the addresses the coordinator listens on; beats go to all of them until one
  // answers. `on_cut_off` runs on the heartbeat thread when no answer came for the silence limit;
  // `on_end` when the coordinator ends the job, with the job's exit code.
  WorkerHeartbeat(HeartbeatSettings settings, int rank, std::vector<HeartbeatAddress> coordinator,
                  std::function<void()> on_cut_off, std::function<void(int)> on_end);
  ~WorkerHeartbeat();
  WorkerHeartbeat(const WorkerHeartbeat&) = delete;
  WorkerHeartbeat& operator=(const WorkerHeartbeat&) = delete;

  // Tells the coordinator that this rank failed (best effort: one datagram per address).
  void report_failure(const std::string& message);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hpsweep
