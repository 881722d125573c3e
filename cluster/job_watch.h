// The watch over a cluster job's ranks (common/heartbeat.h), as cluster mode uses it
// (cluster/cluster_run.h): a lost rank, node or network, or a worker's failure, ends every process
// of the job within the timeout, with one message that names the ranks and their nodes, instead of
// leaving the others waiting in MPI. The sweep's files stay consistent (the coordinator closes
// sweep.h5 before it ends; checkpoints are written atomically), so rerunning the job resumes it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/communicator.h"
#include "common/heartbeat.h"
#include "coordinator/rank_layout.h"

namespace hpsweep {

class JobWatch {
 public:
  // Collective over `world`: rank 0 listens and watches the ranks of every group; the other
  // ranks learn its addresses and beat. `timeout` zero: nothing is watched.
  JobWatch(const Communicator& world, const RankLayout& layout, std::chrono::milliseconds timeout);

  // Coordinator: what was lost, as the message to print ("lost rank 3 on node2: ..."); nullopt
  // while all is well.
  std::optional<std::string> lost() const;
  // Coordinator: whether what was lost is ranks (silent), rather than a worker's failure.
  bool lost_ranks() const;
  // Coordinator: the sweep is over; ranks may now finish at different times.
  void sweep_over();
  // Coordinator: prints `message`, tells every worker to end, and ends this process.
  [[noreturn]] void end_job(const std::string& message, int exit_code);
  // Worker: prints the failure, reports it to the coordinator (which ends the job), and ends
  // this process: its peers may be waiting for it in a collective that can never complete.
  [[noreturn]] void fail(const std::string& message);

  const std::string& host_of(int rank) const { return hosts_.at(rank); }
  const std::vector<std::string>& hosts() const { return hosts_; }

 private:
  std::string describe(const RanksLost& lost) const;

  int rank_;
  std::chrono::milliseconds timeout_;
  std::vector<std::string> hosts_;  // every rank's node
  std::unique_ptr<CoordinatorHeartbeat> coordinator_;
  std::unique_ptr<WorkerHeartbeat> worker_;
};

}  // namespace hpsweep
