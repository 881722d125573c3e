#include "cluster/cpu_binding.h"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>

namespace hpsweep {
namespace {

// FNV-1a over the CPU numbers: equal lists, equal ids; the ranks of a node compare these
// instead of shipping whole lists around.
uint64_t cpu_set_id(const std::vector<int>& cpus) {
  uint64_t hash = 14695981039346656037ull;
  for (int cpu : cpus) {
    hash ^= static_cast<uint64_t>(cpu);
    hash *= 1099511628211ull;
  }
  return hash;
}

bool bind_calling_thread(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

std::vector<std::vector<int>> plan_worker_cpus(const std::vector<NodeRank>& ranks,
                                               const std::vector<int>& cpus) {
  std::vector<std::vector<int>> plan(ranks.size());
  size_t workers = 0;
  for (const NodeRank& rank : ranks) {
    if (rank.cpu_set != ranks.front().cpu_set) return plan;  // already told apart
    workers += rank.worker;
  }
  if (workers < 2 || workers > cpus.size()) return plan;
  const size_t share = cpus.size() / workers;
  size_t next = 0;
  for (size_t r = 0; r < ranks.size(); ++r) {
    if (!ranks[r].worker) continue;
    plan[r].assign(cpus.begin() + static_cast<std::ptrdiff_t>(next * share),
                   cpus.begin() + static_cast<std::ptrdiff_t>((next + 1) * share));
    ++next;
  }
  return plan;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return {};
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

std::string bind_workers_to_cpus(const Communicator& world, bool worker) {
  const Communicator node = world.split_by_node();
  const std::vector<int> cpus = allowed_cpus();
  const uint64_t id = cpu_set_id(cpus);
  // Per rank: world rank, worker or not, the set's id as two 32-bit halves.
  constexpr size_t kFields = 4;
  const std::vector<int> all =
      node.allgather({world.rank(), worker ? 1 : 0, static_cast<int>(static_cast<uint32_t>(id)),
                      static_cast<int>(static_cast<uint32_t>(id >> 32))});
  std::vector<NodeRank> ranks(all.size() / kFields);
  for (size_t r = 0; r < ranks.size(); ++r) {
    const int* fields = &all[r * kFields];
    ranks[r].worker = fields[1] != 0;
    ranks[r].cpu_set = static_cast<uint64_t>(static_cast<uint32_t>(fields[3])) << 32 |
                       static_cast<uint32_t>(fields[2]);
  }
  const std::vector<std::vector<int>> plan = plan_worker_cpus(ranks, cpus);
  const std::vector<int>& mine = plan[static_cast<size_t>(node.rank())];
  if (!mine.empty() && !bind_calling_thread(mine))
    std::cerr << "hpsweep: rank " << world.rank() << ": sched_setaffinity refused its CPUs ("
              << std::strerror(errno) << "); it runs unbound\n";

  std::ostringstream line;
  for (size_t r = 0; r < plan.size(); ++r) {
    if (plan[r].empty()) continue;
    line << (line.str().empty() ? "" : ", ") << "rank " << all[r * kFields] << " on CPU";
    if (plan[r].size() > 1) line << "s";
    for (size_t i = 0; i < plan[r].size(); ++i) line << (i ? "," : " ") << plan[r][i];
  }
  if (line.str().empty()) return "";
  return "workers bound on " + host_name() + ": " + line.str() +
         " (the others float; --no-worker-binding leaves all unbound)";
}

}  // namespace hpsweep
