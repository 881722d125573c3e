// The job's heartbeat (common/heartbeat.h) in one process, on loopback, with a short timeout:
// silence, a worker's own failure and the coordinator's end each reach the other side.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "common/heartbeat.h"

namespace hpsweep::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kTimeout = 400ms;

HeartbeatSettings settings(uint64_t token = 42) {
  return {kTimeout, token};
}

// Waits up to `limit` for `condition`.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

struct Worker {
  std::atomic<bool> cut_off{false}, ended{false};
  std::atomic<int> exit_code{-1};
  std::unique_ptr<WorkerHeartbeat> heartbeat;

  Worker(int rank, const CoordinatorHeartbeat& coordinator, uint64_t token = 42) {
    heartbeat = std::make_unique<WorkerHeartbeat>(
        settings(token), rank, std::vector<HeartbeatAddress>{{"127.0.0.1", coordinator.port()}},
        [this] { cut_off = true; },
        [this](int code) {
          exit_code = code;
          ended = true;
        });
  }
};

TEST(Heartbeat, IntervalIsASixthOfTheTimeoutWithinBounds) {
  EXPECT_EQ(HeartbeatSettings{60s}.interval(), 10s);
  EXPECT_EQ(HeartbeatSettings{600s}.interval(), 10s);
  EXPECT_EQ(HeartbeatSettings{3s}.interval(), 500ms);
  EXPECT_EQ(HeartbeatSettings{100ms}.interval(), 50ms);
}

TEST(Heartbeat, TheSilenceLimitIsOneIntervalShortOfTheTimeout) {
  EXPECT_EQ(HeartbeatSettings{60s}.silence_limit(), 50s);
  EXPECT_EQ(HeartbeatSettings{3s}.silence_limit(), 2500ms);
}

TEST(Heartbeat, BeatingWorkersAreNeverLost) {
  CoordinatorHeartbeat coordinator(settings(), {1, 2});
  Worker one(1, coordinator), two(2, coordinator);
  std::this_thread::sleep_for(3 * kTimeout);
  EXPECT_FALSE(coordinator.lost());
  EXPECT_FALSE(one.cut_off);
  EXPECT_FALSE(two.cut_off);
}

TEST(Heartbeat, ASilentRankIsLostAfterTheTimeoutAndTheHandlerRunsOnce) {
  CoordinatorHeartbeat coordinator(settings(), {1, 2, 3});
  std::atomic<int> calls{0};
  std::vector<int> reported;
  coordinator.on_lost([&](const RanksLost& lost) {
    reported = lost.ranks;
    ++calls;
  });
  Worker one(1, coordinator);
  auto two = std::make_unique<Worker>(2, coordinator);  // rank 3 never starts
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return calls > 0; }));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, HeartbeatSettings{kTimeout}.silence_limit());
  EXPECT_LT(waited, kTimeout + 1s);
  EXPECT_EQ(reported, std::vector<int>{3});
  EXPECT_EQ(coordinator.lost()->ranks, std::vector<int>{3});
  two.reset();  // a second loss after the first is not reported again
  std::this_thread::sleep_for(2 * kTimeout);
  EXPECT_EQ(calls, 1);
}

TEST(Heartbeat, AWorkerOfAnotherJobDoesNotCount) {
  CoordinatorHeartbeat coordinator(settings(42), {1});
  Worker stranger(1, coordinator, /*token=*/7);
  ASSERT_TRUE(eventually([&] { return coordinator.lost().has_value(); }));
  EXPECT_EQ(coordinator.lost()->ranks, std::vector<int>{1});
  EXPECT_TRUE(eventually([&] { return stranger.cut_off.load(); }));  // nobody answered it
}

TEST(Heartbeat, AReportedFailureArrivesAtOnce) {
  CoordinatorHeartbeat coordinator(settings(), {1, 2});
  Worker one(1, coordinator), two(2, coordinator);
  two.heartbeat->report_failure("rank 2 on node2: out of memory");
  ASSERT_TRUE(eventually([&] { return coordinator.lost().has_value(); }, kTimeout / 2));
  EXPECT_EQ(coordinator.lost()->failure, "rank 2 on node2: out of memory");
  EXPECT_EQ(coordinator.lost()->failed_rank, 2);
  EXPECT_TRUE(coordinator.lost()->ranks.empty());
}

TEST(Heartbeat, AfterTheSweepSilenceIsNoLongerALoss) {
  CoordinatorHeartbeat coordinator(settings(), {1});
  coordinator.stop_watching();
  std::this_thread::sleep_for(3 * kTimeout);
  EXPECT_FALSE(coordinator.lost());
}

TEST(Heartbeat, AWorkerCutOffFromTheCoordinatorKnowsItAfterTheTimeout) {
  auto coordinator = std::make_unique<CoordinatorHeartbeat>(settings(), std::vector<int>{1});
  Worker one(1, *coordinator);
  std::this_thread::sleep_for(2 * kTimeout);
  EXPECT_FALSE(one.cut_off);
  coordinator.reset();
  EXPECT_TRUE(eventually([&] { return one.cut_off.load(); }, kTimeout + 1s));
  EXPECT_FALSE(one.ended);
}

TEST(Heartbeat, EndJobReachesEveryWorkerHeardFrom) {
  CoordinatorHeartbeat coordinator(settings(), {1, 2});
  Worker one(1, coordinator), two(2, coordinator);
  std::this_thread::sleep_for(HeartbeatSettings{kTimeout}.interval() * 2);
  coordinator.end_job(69);
  EXPECT_TRUE(eventually([&] { return one.ended && two.ended; }, 1s));
  EXPECT_EQ(one.exit_code, 69) << "every rank exits with the job's code";
  EXPECT_EQ(two.exit_code, 69);
}

TEST(Heartbeat, LocalAddressesListLoopbackOnlyWhenAsked) {
  const auto with = local_ipv4_addresses(true), without = local_ipv4_addresses(false);
  EXPECT_EQ(std::count(with.begin(), with.end(), "127.0.0.1"), 1);
  EXPECT_EQ(std::count(without.begin(), without.end(), "127.0.0.1"), 0);
  EXPECT_EQ(with.size(), without.size() + 1);
}

}  // namespace
}  // namespace hpsweep::testing
