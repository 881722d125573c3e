// The rule that binds a node's worker ranks to shares of its CPUs (cluster/cpu_binding.h); the
// same call under mpirun is in test_mpi.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cluster/cpu_binding.h"

namespace hpsweep::testing {
namespace {

using Plan = std::vector<std::vector<int>>;

constexpr uint64_t kAll = 42;  // any id: what matters is that ranks share it or not

NodeRank coordinator() {
  return {false, kAll};
}
NodeRank worker() {
  return {true, kAll};
}

TEST(CpuBinding, TwoWorkersAndTheCoordinatorOnTwoCpus) {
  EXPECT_EQ(plan_worker_cpus({coordinator(), worker(), worker()}, {0, 1}), (Plan{{}, {0}, {1}}));
}

TEST(CpuBinding, SharesAreEqualAndFollowTheListOrder) {
  // 3 workers on 8 CPUs: 2 each, the last 2 left to the coordinator and idle ranks.
  EXPECT_EQ(
      plan_worker_cpus({coordinator(), worker(), worker(), worker()}, {0, 1, 2, 3, 4, 5, 6, 7}),
      (Plan{{}, {0, 1}, {2, 3}, {4, 5}}));
  // A cpuset with gaps, and an idle rank (not a worker) between workers.
  EXPECT_EQ(plan_worker_cpus({worker(), coordinator(), worker()}, {2, 3, 6, 7}),
            (Plan{{2, 3}, {}, {6, 7}}));
}

TEST(CpuBinding, NothingIsBoundWhenItCannotHelpOrSomebodyBoundAlready) {
  const Plan none3(3), none4(4);
  // More workers than CPUs: no share for each.
  EXPECT_EQ(plan_worker_cpus({coordinator(), worker(), worker(), worker()}, {0, 1}), none4);
  // One worker: it may use threads over every CPU.
  EXPECT_EQ(plan_worker_cpus({coordinator(), worker(), coordinator()}, {0, 1, 2, 3}), none3);
  // The launcher (or the user) gave ranks different CPU sets: theirs wins.
  EXPECT_EQ(plan_worker_cpus({coordinator(), {true, 1}, {true, 2}}, {0, 1, 2, 3}), none3);
  EXPECT_EQ(plan_worker_cpus({{false, 7}, worker(), worker()}, {0, 1, 2, 3}), none3);
}

TEST(CpuBinding, AllowedCpusAreTheThreadsAffinity) {
  const std::vector<int> cpus = allowed_cpus();
  ASSERT_FALSE(cpus.empty());
  for (size_t i = 1; i < cpus.size(); ++i) EXPECT_LT(cpus[i - 1], cpus[i]);
  EXPECT_LE(static_cast<long>(cpus.size()), sysconf(_SC_NPROCESSORS_ONLN));
}

}  // namespace
}  // namespace hpsweep::testing
