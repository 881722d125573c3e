// Binding worker ranks to their own CPUs when the launcher left them unbound.
//
// Open MPI binds ranks to cores only while a node has no more ranks than cores. hpsweep's
// usual layout has one more: rank 0, the coordinator, which sleeps nearly all the time
// (`mpirun -np 3` on 2 cores, `-np 65` on 64). Open MPI then binds nothing, and the kernel
// migrates the busy workers between cores, so they lose their caches and a group's ranks
// wait for each other at every allreduce. With the workers bound (the coordinator floats), a
// 2-rank MLP trial on 2 cores trained 1.66x as fast as 1 rank instead of 1.51x
// (docs/cluster-performance.md).
//
// The rule, per node: when every rank on it may run on the same CPUs (nobody told them apart:
// a launcher's binding, or the user's, always wins) and it holds 2 to C workers for those C
// CPUs, worker i of the node (in world-rank order) gets CPUs [i*s, (i+1)*s) of the list,
// s = C / workers. The coordinator and idle ranks keep every CPU. CPUs are taken in the
// kernel's numbering: on SMT machines a share of several CPUs may hold hyperthread siblings.
// `hpsweep run --no-worker-binding` turns it off (for `mpirun --bind-to none` taken literally).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/communicator.h"

namespace hpsweep {

struct NodeRank {
  bool worker = false;   // trains: a member of a group
  uint64_t cpu_set = 0;  // identifies the CPUs the rank may run on (equal sets, equal ids)
};

// For each rank of one node (in world-rank order), the CPUs it should be bound to; an empty
// list leaves that rank as it is. `cpus` is the CPU set the ranks share.
std::vector<std::vector<int>> plan_worker_cpus(const std::vector<NodeRank>& ranks,
                                               const std::vector<int>& cpus);

// The CPUs the calling thread may run on, in increasing order.
std::vector<int> allowed_cpus();

// Collective over `world`: every rank of every node calls it; applies plan_worker_cpus per
// node. Returns a line about this rank's node for the log, or "" when nothing was bound.
std::string bind_workers_to_cpus(const Communicator& world, bool worker);

}  // namespace hpsweep
