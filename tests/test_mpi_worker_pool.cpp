// MpiWorkerPool's message logic (the coordinator's side of the control messages) without MPI:
// rank 0's pool and the group leaders talk over an in-process network.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "cluster/mpi_worker_pool.h"
#include "common/control_messages.h"
#include "common/in_process_channel.h"

namespace hpsweep {
namespace {

using std::chrono::milliseconds;

// 5 ranks in groups of 2: rank 0 coordinates, ranks 1 and 3 lead groups 0 and 1.
class MpiWorkerPoolTest : public ::testing::Test {
 protected:
  ControlMessage next_message_to(int leader) {
    const auto received = network_.channel(leader).receive(0, kControlTag, milliseconds(5000), {});
    if (!received) throw std::runtime_error("no message for rank " + std::to_string(leader));
    return decode_message(received->bytes);
  }
  void send_to_coordinator(int leader, const ControlMessage& message) {
    network_.channel(leader).send(0, kControlTag, encode_message(message));
  }

  InProcessNetwork network_{5};
  RankLayout layout_ = plan_ranks(5, 2);
};

TEST_F(MpiWorkerPoolTest, AssignsTrialsToGroupLeaders) {
  MpiWorkerPool pool(network_.channel(0), layout_);
  EXPECT_EQ(pool.worker_count(), 2);
  Trial trial;
  trial.id = 7;
  TrialLaunch launch;
  launch.resume_epoch = 3;
  launch.judged = true;
  pool.start(1, trial, launch);
  const auto assign = std::get<AssignTrialMessage>(next_message_to(3));
  EXPECT_EQ(assign.trial_id, 7);
  EXPECT_EQ(assign.resume_epoch, 3);
  EXPECT_TRUE(assign.judged);
}

// The status page says where a trial runs: its group, ranks and nodes (5 ranks, groups of 2:
// ranks 1-2 and 3-4).
TEST_F(MpiWorkerPoolTest, NamesEachGroupWithItsRanksAndNodes) {
  const MpiWorkerPool pool(network_.channel(0), layout_, {},
                           {"head", "node1", "node1", "node1", "node2"});
  EXPECT_EQ(pool.worker_name(0), "group 0 (ranks 1-2 on node1)");
  EXPECT_EQ(pool.worker_name(1), "group 1 (ranks 3-4 on node1, node2)");
  EXPECT_EQ(MpiWorkerPool(network_.channel(0), layout_).worker_name(1), "group 1 (ranks 3-4)");
}

TEST_F(MpiWorkerPoolTest, TurnsLeadersMessagesIntoEventsOfTheirGroup) {
  MpiWorkerPool pool(network_.channel(0), layout_);
  send_to_coordinator(3, EpochMessage{7, EpochMetrics{.epoch = 2}, true});
  const auto epoch = std::get<EpochEvent>(*pool.wait_event(milliseconds(1000)));
  EXPECT_EQ(epoch.trial_id, 7);
  EXPECT_EQ(epoch.metrics.epoch, 2);
  EXPECT_TRUE(epoch.checkpointed);

  send_to_coordinator(3, JudgeMessage{7, EpochMetrics{.epoch = 3}});
  const auto judge = std::get<JudgeEvent>(*pool.wait_event(milliseconds(1000)));
  EXPECT_EQ(judge.worker, 1);
  pool.after_epoch(judge.worker, 3, false);
  const auto verdict = std::get<VerdictMessage>(next_message_to(3));
  EXPECT_EQ(verdict.epoch, 3);
  EXPECT_FALSE(verdict.proceed);

  send_to_coordinator(1, TrialEndMessage{5, TrialStatus::diverged, 4, "loss is NaN"});
  const auto done = std::get<TrialDoneEvent>(*pool.wait_event(milliseconds(1000)));
  EXPECT_EQ(done.trial_id, 5);
  EXPECT_EQ(done.worker, 0);
  EXPECT_EQ(done.outcome.status, TrialStatus::diverged);
  EXPECT_EQ(done.outcome.message, "loss is NaN");
}

TEST_F(MpiWorkerPoolTest, HearsFromALeaderOnAnotherThreadWhileItWaits) {
  MpiWorkerPool pool(network_.channel(0), layout_);
  std::thread leader([&] {
    const auto assign = std::get<AssignTrialMessage>(next_message_to(1));
    send_to_coordinator(1, TrialEndMessage{assign.trial_id, TrialStatus::completed, 2, ""});
  });
  Trial trial;
  trial.id = 4;
  pool.start(0, trial, TrialLaunch{});
  const std::optional<WorkerEvent> event = pool.wait_event(milliseconds(5000));
  leader.join();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(std::get<TrialDoneEvent>(*event).trial_id, 4);
}

TEST_F(MpiWorkerPoolTest, WaitsOutItsTimeoutWithoutMessages) {
  MpiWorkerPool pool(network_.channel(0), layout_);
  EXPECT_FALSE(pool.wait_event(milliseconds(0)).has_value());
  EXPECT_FALSE(pool.wait_event(milliseconds(20)).has_value());
}

TEST_F(MpiWorkerPoolTest, RefusesAMessageOnlyTheCoordinatorSends) {
  MpiWorkerPool pool(network_.channel(0), layout_);
  send_to_coordinator(1, VerdictMessage{1, true});
  EXPECT_THROW(pool.wait_event(milliseconds(1000)), Error);
}

TEST_F(MpiWorkerPoolTest, TellsEveryLeaderToShutDownAtTheEnd) {
  { MpiWorkerPool pool(network_.channel(0), layout_); }
  EXPECT_TRUE(std::holds_alternative<ShutdownMessage>(next_message_to(1)));
  EXPECT_TRUE(std::holds_alternative<ShutdownMessage>(next_message_to(3)));
}

TEST_F(MpiWorkerPoolTest, AfterALossThrowsAndSendsNothing) {
  {
    MpiWorkerPool pool(network_.channel(0), layout_,
                       [] { return std::optional<std::string>("lost rank 3 on node2"); });
    send_to_coordinator(1, EpochMessage{7, EpochMetrics{.epoch = 1}, true});
    EXPECT_THROW(pool.wait_event(milliseconds(1000)), JobLostError);
  }
  EXPECT_FALSE(network_.channel(1).receive(0, kControlTag, milliseconds(0), {}));
}

}  // namespace
}  // namespace hpsweep
