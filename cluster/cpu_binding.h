// Binding worker ranks to their own CPUs when the launcher did not tell them apart.
//
// Open MPI binds ranks to cores for -np 2 or fewer and to sockets otherwise, and binds nothing
// once a node has more ranks than cores. hpsweep's usual layout has one rank more than the
// cores: rank 0, the coordinator, which sleeps nearly all the time (`mpirun -np 3` on 2 cores,
// `-np 65` on 64). Then nothing is bound, and the kernel moves the busy workers between cores,
// so they lose their caches and a group's ranks wait for each other at every step. With the
// workers bound (the coordinator floats), a 2-rank MLP trial on 2 cores ran 1.55x -> 1.69x as
// fast as 1 rank (docs/cluster-performance.md).
//
// The rule, per node: when every rank on it may run on the same CPUs (nothing bound them, or
// something bound them all alike: the node's one socket, a taskset around mpirun) and it
// holds 2 to C workers for those C CPUs, worker i of the node (in world-rank order) gets CPUs
// [i*s, (i+1)*s) of the list, s = C / workers. Ranks that a launcher or the user told apart
// (different CPU sets: --bind-to core, a rankfile, srun --cpu-bind) are left alone. The
// coordinator and idle ranks keep every CPU. CPUs are taken in the kernel's numbering: on SMT
// machines a share of several CPUs may hold hyperthread siblings. The binding applies to the
// calling thread, the rank's main one, and to the threads it starts later.
// `hpsweep run --no-worker-binding` turns it off (for `mpirun --bind-to none` taken literally).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/communicator.h"

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
// node. Returns a line about this rank's node for the log, or "" when nothing was bound. A
// rank that the kernel refuses to bind says so on stderr and runs unbound: binding only
// makes things faster.
std::string bind_workers_to_cpus(const Communicator& world, bool worker);

}  // namespace hpsweep
