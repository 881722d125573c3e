// Cluster-mode building blocks under mpirun with 2, 3 and 4 ranks (ctest runs each): the
// collectives against closed-form sums, group splitting, and data-parallel training: the
// group's parameters and optimizer state stay identical, and its losses match a single rank's.
// Groups that span nodes are played on one machine by splitting the ranks into fake nodes.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>

#include "cluster/communicator.h"
#include "cluster/cpu_binding.h"
#include "cluster/hierarchical_reducer.h"
#include "cluster/mpi_group.h"
#include "cluster/shared_memory_reducer.h"
#include "coordinator/rank_layout.h"
#include "coordinator/search_space.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/model_factory.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

TEST(Mpi, AllreduceMatchesClosedFormSums) {
  const Communicator world = Communicator::world();
  const int n = world.size(), r = world.rank();
  double d[2] = {static_cast<double>(r), 1.0};
  world.allreduce_sum(d, 2);
  EXPECT_EQ(d[0], n * (n - 1) / 2.0);
  EXPECT_EQ(d[1], n);
}

// Sums `tensors` with `reducer`, each tensor filled with rank + (i % 3) before, and counts the
// values that differ from the closed-form sum over the ranks after.
int wrong_sums(GradientReducer& reducer, const std::vector<Tensor>& tensors,
               const Communicator& world) {
  const int n = world.size(), r = world.rank();
  for (Tensor t : tensors)
    for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(r + (i % 3));
  for (size_t k = tensors.size(); k-- > 0;) {  // backward order: last parameter first
    Tensor t = tensors[k];
    reducer.add(t);
  }
  reducer.finish();
  int wrong = 0;
  for (const Tensor& t : tensors)
    for (int64_t i = 0; i < t.size(); ++i)
      wrong += t[i] != static_cast<float>(n * (n - 1) / 2 + n * (i % 3));
  return wrong;
}

// Nodes played on one machine: the group's ranks in rank order, `sizes[k]` of them on node k.
// All ranks really share memory, so each node's window works as on a real node.
NodeSplit fake_nodes(const std::vector<int>& sizes) {
  return [sizes](const Communicator& group) {
    int node = 0, end = sizes[0];
    while (group.rank() >= end) end += sizes[static_cast<size_t>(++node)];
    return group.split(node, group.rank());
  };
}

// The world on two fake nodes, its first half and the rest: 1+1, 2+1 or 2+2 ranks.
NodeSplit fake_halves(const Communicator& world) {
  return fake_nodes({(world.size() + 1) / 2, world.size() / 2});
}

// Every split into at least two fake nodes that `ranks` allow, uneven ones included.
std::vector<std::vector<int>> fake_node_splits(int ranks) {
  const std::vector<std::vector<int>> all = {{1, 1}, {2, 1}, {1, 2},   {2, 2},
                                             {1, 3}, {3, 1}, {1, 2, 1}};
  std::vector<std::vector<int>> fitting;
  for (const std::vector<int>& sizes : all)
    if (std::accumulate(sizes.begin(), sizes.end(), 0) == ranks) fitting.push_back(sizes);
  return fitting;
}

std::string nodes_text(const std::vector<int>& sizes) {  // "nodes 2+1"
  std::string text = "nodes ";
  for (size_t k = 0; k < sizes.size(); ++k) text += (k ? "+" : "") + std::to_string(sizes[k]);
  return text;
}

// How a test makes its group: the reducer, and which ranks share a node.
struct GroupSetup {
  std::string name;
  ReducerKind reducer;
  NodeSplit nodes = &Communicator::split_by_node;
};

// How many values of `tensors` differ from rank 0's, summed over the world.
double differences_from_rank0(const Communicator& world, const std::vector<NamedTensor>& tensors) {
  int64_t mismatches = 0;
  for (const NamedTensor& p : tensors) {
    std::vector<double> mine(p.tensor.data(), p.tensor.data() + p.tensor.size());
    std::vector<double> root = mine;
    MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0,
              MPI_COMM_WORLD);  // exact: floats fit doubles
    for (size_t i = 0; i < mine.size(); ++i) mismatches += mine[i] != root[i];
  }
  double total = static_cast<double>(mismatches);
  world.allreduce_sum(&total, 1);
  return total;
}

TEST(Mpi, ReducersSumContiguousAndSeparateTensors) {
  const Communicator world = Communicator::world();
  for (ReducerKind kind : {ReducerKind::shared, ReducerKind::fused, ReducerKind::bucketed}) {
    MpiGroup group(world, kind);
    // Two tensors adjacent in memory (like packed gradients), a third apart from them in the
    // same buffer, and one elsewhere. The big one is larger than a 1 MiB bucket and splits
    // unevenly into 3 and 4 slices. The shared reducer gets the first three in the group's
    // window, as a model's gradients would be; the one elsewhere goes through MPI.
    Tensor buffer =
        kind == ReducerKind::shared ? group.shared_gradient_storage(300200) : Tensor({300200});
    ASSERT_GE(buffer.size(), 300200) << "all ranks run on one node: the window must exist";
    const std::vector<Tensor> tensors = {buffer.rows(0, 300000), buffer.rows(300000, 300007),
                                         buffer.rows(300100, 300133), Tensor({5})};
    auto reducer = group.make_reducer();
    EXPECT_EQ(wrong_sums(*reducer, tensors, world), 0) << static_cast<int>(kind);
  }
  // A group that spans nodes has no window: the shared reducer sums everything through MPI.
  SharedMemoryReducer without_window(world, nullptr);
  Tensor packed({1000});
  EXPECT_EQ(
      wrong_sums(without_window, {packed.rows(0, 990), packed.rows(990, 1000), Tensor({3})}, world),
      0);
}

// With the shared reducer, a model's gradients live in this rank's storage (or the reducer
// would quietly send everything through MPI): its segment of the group's window on one node,
// of its node's window (or ordinary memory, alone on its node) across nodes. With fused they
// stay where they are.
TEST(Mpi, SharedReducerPutsTheModelsGradientsInTheWindow) {
  const Communicator world = Communicator::world();
  ModelConfig config;
  config.width = 32;
  config.depth = 2;
  for (const GroupSetup& setup :
       std::vector<GroupSetup>{{"shared", ReducerKind::shared},
                               {"fused", ReducerKind::fused},
                               {"shared across nodes", ReducerKind::shared, fake_halves(world)}}) {
    MpiGroup group(world, setup.reducer, setup.nodes);
    Model model = build_model(config, {1, 28, 28}, 10);
    group.place_gradients(model);
    const Tensor segment = group.shared_gradient_storage(model.gradient_count());
    const bool shared = setup.reducer == ReducerKind::shared;
    EXPECT_EQ(segment.empty(), !shared) << setup.name;
    for (const NamedParameter& p : model.parameters()) {
      const float* grad = p.parameter->grad.data();
      const bool inside = !segment.empty() && grad >= segment.data() &&
                          grad + p.parameter->grad.size() <= segment.data() + segment.size();
      EXPECT_EQ(inside, shared) << setup.name << ": " << p.name;
    }
  }
}

// The values each rank hands the reducers below: small integers, whose sums are exact in any
// order, or fractions, whose sums' last bits depend on the order of the additions.
float integer_value(int rank, int64_t i) {
  return static_cast<float>(rank + i % 3);
}
float fractional_value(int rank, int64_t i) {
  return std::sin(0.001f * static_cast<float>(i) + static_cast<float>(rank)) /
         static_cast<float>(1 + rank);
}
using Values = float (*)(int rank, int64_t i);

// Fills `tensors` with `value`(this rank, i), i counting through all of them, sums them with
// `reducer` (added last first, as the backward pass does) and returns the sums, one tensor
// after the other.
Tensor reduced(GradientReducer& reducer, const std::vector<Tensor>& tensors, int rank,
               Values value) {
  int64_t total = 0;
  for (Tensor t : tensors)
    for (int64_t i = 0; i < t.size(); ++i) t[i] = value(rank, total++);
  for (size_t k = tensors.size(); k-- > 0;) {
    Tensor t = tensors[k];
    reducer.add(t);
  }
  reducer.finish();
  Tensor sums({total});
  float* next = sums.data();
  for (const Tensor& t : tensors) next = std::copy(t.data(), t.data() + t.size(), next);
  return sums;
}

// The same sums by one plain MPI_Allreduce over the world.
Tensor plain_allreduce(int64_t count, int rank, Values value) {
  Tensor sums({count});
  for (int64_t i = 0; i < count; ++i) sums[i] = value(rank, i);
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(count), MPI_FLOAT, MPI_SUM,
                MPI_COMM_WORLD);
  return sums;
}

int64_t bitwise_differences(const Tensor& a, const Tensor& b) {
  int64_t differences = 0;
  for (int64_t i = 0; i < a.size(); ++i)
    differences += std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i]);
  return differences;
}

// A group across fake nodes, uneven ones too, sums through each node's window and one
// allreduce among the nodes' leaders: the closed-form sums, and the plain MPI_Allreduce's bits,
// in tensors inside the rank's storage and outside it.
TEST(Mpi, HierarchicalReducerSumsExactlyAcrossNodes) {
  const Communicator world = Communicator::world();
  for (const std::vector<int>& sizes : fake_node_splits(world.size())) {
    const std::string nodes = nodes_text(sizes);
    MpiGroup group(world, ReducerKind::shared, fake_nodes(sizes));
    // As in ReducersSumContiguousAndSeparateTensors: two adjacent tensors, a third apart from
    // them, all three in the storage, whose slices split unevenly over 2 and 3 ranks; and one
    // elsewhere.
    const Tensor storage = group.shared_gradient_storage(300200);
    ASSERT_GE(storage.size(), 300200) << nodes << ": every node must have its storage";
    const std::vector<Tensor> tensors = {storage.rows(0, 300000), storage.rows(300000, 300007),
                                         storage.rows(300100, 300133), Tensor({5})};
    const auto reducer = group.make_reducer();
    ASSERT_NE(dynamic_cast<HierarchicalReducer*>(reducer.get()), nullptr) << nodes;
    EXPECT_EQ(wrong_sums(*reducer, tensors, world), 0) << nodes;
    const Tensor sums = reduced(*reducer, tensors, world.rank(), integer_value);
    EXPECT_EQ(bitwise_differences(sums, plain_allreduce(sums.size(), world.rank(), integer_value)),
              0)
        << nodes;
  }
}

// On two nodes, what the hierarchical sum of `value` at i must be: each node's values added in
// rank order, then the two node sums.
float two_node_sum(const std::vector<int>& sizes, Values value, int64_t i) {
  float node_sums[2];
  for (int node = 0, rank = 0; node < 2; ++node) {
    node_sums[node] = value(rank++, i);
    for (int k = 1; k < sizes[static_cast<size_t>(node)]; ++k) node_sums[node] += value(rank++, i);
  }
  return node_sums[0] + node_sums[1];
}

// With fractions, the order of the additions shows in the last bits. Every rank ends with the
// same bits, a second sum repeats them, they are within rounding of the plain MPI_Allreduce's,
// and on two nodes they are exactly the node sums, each made in rank order, added.
TEST(Mpi, HierarchicalSumsAreDeterministicAndTheSameOnEveryRank) {
  const Communicator world = Communicator::world();
  const int n = world.size(), r = world.rank();
  constexpr int64_t kStored = 100000;
  for (const std::vector<int>& sizes : fake_node_splits(n)) {
    const std::string nodes = nodes_text(sizes);
    MpiGroup group(world, ReducerKind::shared, fake_nodes(sizes));
    const Tensor storage = group.shared_gradient_storage(kStored);
    ASSERT_GE(storage.size(), kStored) << nodes;
    const std::vector<Tensor> tensors = {storage.rows(0, 70001), storage.rows(70001, kStored),
                                         Tensor({5})};
    const auto reducer = group.make_reducer();
    const Tensor sums = reduced(*reducer, tensors, r, fractional_value);
    EXPECT_EQ(bitwise_differences(sums, reduced(*reducer, tensors, r, fractional_value)), 0)
        << nodes << ": a second sum";
    EXPECT_EQ(differences_from_rank0(world, {{"sums", sums}}), 0) << nodes;

    const Tensor plain = plain_allreduce(sums.size(), r, fractional_value);
    int64_t beyond_rounding = 0, unlike_two_nodes = 0;
    for (int64_t i = 0; i < sums.size(); ++i) {
      double magnitude = 0;
      for (int rank = 0; rank < n; ++rank) magnitude += std::abs(fractional_value(rank, i));
      beyond_rounding += std::abs(sums[i] - plain[i]) > 2 * n * FLT_EPSILON * magnitude;
      if (sizes.size() == 2 && i < kStored)
        unlike_two_nodes += std::bit_cast<uint32_t>(sums[i]) !=
                            std::bit_cast<uint32_t>(two_node_sum(sizes, fractional_value, i));
    }
    EXPECT_EQ(beyond_rounding, 0) << nodes;
    EXPECT_EQ(unlike_two_nodes, 0) << nodes;
  }
}

// When one node has no room for its window (here: Open MPI's backing directory does not exist
// there), the whole group sums through MPI, as fused, so that every node's leader takes part in
// the same allreduces; that node says why.
TEST(Mpi, GroupAcrossNodesSumsThroughMpiWhenOneNodeHasNoRoom) {
  const Communicator world = Communicator::world();
  for (const std::vector<int>& sizes : fake_node_splits(world.size())) {
    const std::string nodes = nodes_text(sizes);
    // The first node with a window to make.
    size_t crowded = 0;
    int first = 0;
    while (crowded < sizes.size() && sizes[crowded] < 2) first += sizes[crowded++];
    if (crowded == sizes.size()) continue;  // one rank per node: no window anywhere
    const bool without_room = world.rank() >= first && world.rank() < first + sizes[crowded];

    MpiGroup group(world, ReducerKind::shared, fake_nodes(sizes));
    const char* kVariable = "OMPI_MCA_osc_sm_backing_directory";
    const char* before = std::getenv(kVariable);
    const std::string saved = before ? before : "";
    if (without_room) setenv(kVariable, "/nonexistent/shm", 1);
    ::testing::internal::CaptureStderr();
    const Tensor storage = group.shared_gradient_storage(1000);
    const std::string said = ::testing::internal::GetCapturedStderr();
    if (before)
      setenv(kVariable, saved.c_str(), 1);
    else
      unsetenv(kVariable);

    EXPECT_TRUE(storage.empty()) << nodes;
    EXPECT_EQ(
        said.find("this group sums gradients with MPI_Allreduce instead") != std::string::npos,
        without_room && world.rank() == first)
        << nodes << ": " << said;
    Tensor packed({1000});
    const auto reducer = group.make_reducer();
    EXPECT_EQ(
        wrong_sums(*reducer, {packed.rows(0, 990), packed.rows(990, 1000), Tensor({3})}, world), 0)
        << nodes;
  }
}

TEST(Mpi, GroupsFollowTheRankLayout) {
  const Communicator world = Communicator::world();
  for (int ranks_per_trial : {1, 2}) {
    if (world.size() - 1 < ranks_per_trial) continue;  // the same on every rank
    const RankLayout layout = plan_ranks(world.size(), ranks_per_trial);
    const int g = layout.group_of(world.rank());
    const Communicator group = world.split(g, world.rank());
    EXPECT_EQ(group.valid(), g >= 0);
    double members = 0;  // count of each group's members, summed over the world
    if (group.valid()) {
      EXPECT_EQ(group.size(), ranks_per_trial);
      EXPECT_EQ(world.rank() - group.rank(), layout.leader_of(g)) << "the leader is group rank 0";
      members = 1;
    }
    world.allreduce_sum(&members, 1);
    EXPECT_EQ(members, layout.groups * ranks_per_trial);
    EXPECT_EQ(static_cast<int>(layout.idle_ranks.size()),
              world.size() - 1 - layout.groups * ranks_per_trial);
  }
}

class CapturingObserver : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData> c) override {
    metrics.push_back(m);
    if (c) checkpoint = std::move(*c);
  }
  std::vector<EpochMetrics> metrics;
  CheckpointData checkpoint;
};

// Batch 50 splits unevenly over 3 and 4 ranks, 620 samples leave a last batch of 20, and
// dropout draws masks by sample, so every part of the sharding is exercised.
// `optimizer`: more keys of the training block.
Trial data_parallel_trial(const std::string& data_dir, const std::string& optimizer = "") {
  const SweepSpec spec =
      parse_spec("seed: 5\nmethod: grid\ndataset: {path: " + data_dir +
                     "}\nmodel: {width: 24, depth: 2, dropout: 0.3, init: he}\n"
                     "training: {epochs: 1, batch_size: 50, lr: 0.05, weight_decay: 0.001" +
                     optimizer + "}\n",
                 "dp.yaml");
  return expand_trials(spec)[0];
}

// |a - b| / |b| over all the tensors' values (Euclidean norms), for parameters that must agree
// up to float rounding.
double relative_difference(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
  double difference = 0, norm = 0;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k)
    for (int64_t i = 0; i < b[k].tensor.size(); ++i) {
      const double x = a[k].tensor[i], y = b[k].tensor[i];
      difference += (x - y) * (x - y);
      norm += y * y;
    }
  return a.size() == b.size() ? std::sqrt(difference / norm) : 1.0;
}

// Trains `trial` on the whole world as one group, then alone on this rank; the last epoch's
// losses must agree to float rounding. Returns the group's run, for more checks.
CapturingObserver expect_group_matches_one_rank(const Communicator& world, const Trial& trial,
                                                const TrainTestData& data) {
  std::atomic<bool> stop{false};
  MpiGroup group(world, ReducerKind::shared);
  SoloGroup solo;
  CapturingObserver on_group, alone;
  run_trial(trial, data, {}, on_group, stop, group);
  run_trial(trial, data, {}, alone, stop, solo);
  const size_t epochs = static_cast<size_t>(trial.config.training.epochs);
  EXPECT_EQ(on_group.metrics.size(), epochs);
  EXPECT_EQ(alone.metrics.size(), epochs);
  if (on_group.metrics.size() != epochs || alone.metrics.size() != epochs) return on_group;
  const EpochMetrics& a = on_group.metrics.back();
  const EpochMetrics& b = alone.metrics.back();
  EXPECT_NEAR(a.train_loss, b.train_loss, 1e-4 * b.train_loss);
  EXPECT_NEAR(a.test_loss, b.test_loss, 1e-4 * b.test_loss);
  // The validation part and eval_train's samples are evaluated in shards and summed, as the
  // test set is.
  if (!std::isnan(b.val_loss)) {
    EXPECT_NEAR(a.val_loss, b.val_loss, 1e-4 * b.val_loss);
  }
  if (!std::isnan(b.train_eval_loss)) {
    EXPECT_NEAR(a.train_eval_loss, b.train_eval_loss, 1e-4 * b.train_eval_loss);
  }
  EXPECT_LT(b.train_loss, std::log(10.0)) << "the trial must learn for the comparison to mean much";
  return on_group;
}

TEST(Mpi, DataParallelTrainingKeepsParametersIdenticalAndMatchesOneRank) {
  const Communicator world = Communicator::world();
  TempDir dir;  // each rank writes and reads its own copy of the same data
  write_synthetic_fashion_mnist(dir / "data", 620, 130, 9);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  Trial trial = data_parallel_trial((dir / "data").string());
  std::atomic<bool> stop{false};
  for (const GroupSetup& setup :
       std::vector<GroupSetup>{{"shared", ReducerKind::shared},
                               {"fused", ReducerKind::fused},
                               {"shared across nodes", ReducerKind::shared, fake_halves(world)}}) {
    MpiGroup group(world, setup.reducer, setup.nodes);
    // The second, wider model makes the shared reducer's window grow.
    for (int64_t width : {24, 40}) {
      trial.config.model.width = width;
      const std::string what = setup.name + ", width " + std::to_string(width);
      CapturingObserver on_group;
      const TrialOutcome outcome = run_trial(trial, data, {}, on_group, stop, group);
      EXPECT_EQ(outcome.status, TrialStatus::completed) << what << ": " << outcome.message;

      // Parameters: every rank's copy equals rank 0's, bit for bit.
      EXPECT_EQ(differences_from_rank0(world, on_group.checkpoint.params), 0)
          << what << ": parameters differ across the group";

      // The same trial on one rank alone: the same losses up to float rounding.
      SoloGroup solo;
      CapturingObserver alone;
      run_trial(trial, data, {}, alone, stop, solo);
      ASSERT_EQ(on_group.metrics.size(), 1u) << what;
      ASSERT_EQ(alone.metrics.size(), 1u) << what;
      const EpochMetrics& a = on_group.metrics[0];
      const EpochMetrics& b = alone.metrics[0];
      EXPECT_NEAR(a.train_loss, b.train_loss, 1e-4 * b.train_loss) << what;
      EXPECT_NEAR(a.test_loss, b.test_loss, 1e-4 * b.test_loss) << what;
      EXPECT_NEAR(a.train_error, b.train_error, 1.5 / 620) << what;  // a sample may flip at a tie
      EXPECT_LT(b.train_loss, std::log(10.0))
          << "the trial must learn for the comparison to mean much";
      // And the same parameters up to float rounding.
      EXPECT_LT(relative_difference(on_group.checkpoint.params, alone.checkpoint.params), 1e-5)
          << what;
    }
  }
}

// Batch norm under data parallelism: each rank normalizes with the global batch's statistics
// (synchronized sums), so the trajectory matches one rank's, and the running statistics,
// saved with the parameters, stay identical across the group.
TEST(Mpi, SynchronizedBatchNormMatchesOneRank) {
  const Communicator world = Communicator::world();
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 620, 130, 9);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  const SweepSpec spec =
      parse_spec("seed: 5\nmethod: grid\ndataset: {path: " + (dir / "data").string() +
                     ", validation: 120}\nmodel: {type: lenet-bn, width: 4, depth: 1, init: "
                     "xavier}\ntraining: {epochs: 1, batch_size: 50, lr: 0.1, eval_train: 201}\n",
                 "bn.yaml");
  const CapturingObserver on_group =
      expect_group_matches_one_rank(world, expand_trials(spec)[0], data);
  EXPECT_FALSE(std::isnan(on_group.metrics.back().val_loss));
  EXPECT_FALSE(std::isnan(on_group.metrics.back().train_eval_loss));
  EXPECT_EQ(differences_from_rank0(world, on_group.checkpoint.params), 0);
  bool has_running_stats = false;
  for (const NamedTensor& p : on_group.checkpoint.params)
    has_running_stats |= p.name.find("running_var") != std::string::npos;
  EXPECT_TRUE(has_running_stats);
}

// Every rank applies the same update to the same summed gradients: the optimizer's state
// stays identical across the group with nothing communicated.
TEST(Mpi, MomentumAndAdamStateStaysIdenticalAcrossTheGroup) {
  const Communicator world = Communicator::world();
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 620, 130, 9);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  std::atomic<bool> stop{false};
  MpiGroup group(world, ReducerKind::fused);
  for (const char* optimizer : {", momentum: 0.9", ", optimizer: adam"}) {
    const Trial trial = data_parallel_trial((dir / "data").string(), optimizer);
    CapturingObserver observer;
    const TrialOutcome outcome = run_trial(trial, data, {}, observer, stop, group);
    EXPECT_EQ(outcome.status, TrialStatus::completed) << optimizer << ": " << outcome.message;
    const OptimizerState& state = observer.checkpoint.optimizer;
    ASSERT_FALSE(state.buffers.empty()) << optimizer;
    EXPECT_EQ(differences_from_rank0(world, observer.checkpoint.params), 0) << optimizer;
    for (const ParameterStates& buffer : state.buffers)
      EXPECT_EQ(differences_from_rank0(world, buffer.tensors), 0)
          << optimizer << " " << buffer.kind;
  }
}

TEST(Mpi, AugmentedTrainingMatchesOneRank) {
  // Each sample's flip and crop come from its global id: any split of a batch sees the same
  // images, so the group's losses match one rank's as closely as without augmentation.
  const Communicator world = Communicator::world();
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 620, 130, 9);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  Trial trial = data_parallel_trial((dir / "data").string());
  trial.config.dataset.input_size = 20;
  trial.config.dataset.flip = true;
  trial.config.dataset.crop_padding = 2;
  trial.config.training.epochs = 3;  // augmented data takes longer to learn
  expect_group_matches_one_rank(world, trial, data);
}

// A language model (worker/language_model_trainer.h): the 10 sequences of each batch split
// over the ranks (unevenly over 3 and 4), each rank carrying its own rows' state from batch to
// batch (sequential partitioning), dropout masks drawn by sequence, gradients clipped after
// the group's sum, and the test part's rows split too: the same trajectory as one rank's.
TEST(Mpi, LanguageModelTrainingMatchesOneRank) {
  const Communicator world = Communicator::world();
  TempDir dir;
  const std::string corpus = (dir / "corpus.txt").string();
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 30; ++i)
      out << "The time traveller smiled. The quick brown fox jumps over the lazy dog.\n";
  }
  const SweepSpec spec = parse_spec(
      "seed: 5\nmethod: grid\ndataset: {name: text, path: " + corpus +
          ", sampling: sequential}\nmodel: {type: rnn-lm, cell: rnn, width: 32, depth: 2, "
          "dropout: 0.2}\ntraining: {epochs: 6, batch_size: 10, num_steps: 12, lr: 1, "
          "clip_norm: 0.5}\n",
      "lm.yaml");
  const Trial trial = expand_trials(spec)[0];
  const CapturingObserver on_group =
      expect_group_matches_one_rank(world, trial, load_dataset(trial.config.dataset));
  EXPECT_EQ(differences_from_rank0(world, on_group.checkpoint.params), 0);
  EXPECT_GT(on_group.metrics.front().grad_norm_max, 0.5) << "clipping must bite to be tested";
}

// A detector (worker/detection_trainer.h): each batch's canvases split over the ranks (unevenly
// over 3), batch norm's statistics summed over the group, each rank's loss a sum scaled by the
// global batch: after two steps, the same losses and parameters as one rank's up to float
// rounding, and the same parameters and mAP on every rank. Over more steps the runs drift apart
// far faster than a classifier's (1e-3 relative after six steps on real canvases), probably
// because gradients jump where rounding moves an offset across its target (L1) or breaks a
// max pool's tie on a canvas's blank background; not yet understood.
TEST(Mpi, DetectorTrainingMatchesOneRank) {
  const Communicator world = Communicator::world();
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const SweepSpec spec = parse_spec(
      "seed: 3\nmethod: grid\ndataset: {name: fmnist-detection, input_size: 32, train_subset: "
      "20, test_subset: 16, seed: 2, path: " +
          (dir / "data").string() +
          "}\nmodel: {type: tiny-ssd, width: 8, depth: 3, init: xavier}\n"
          "training: {epochs: 1, batch_size: 10, lr: 0.2}\n",
      "ssd.yaml");
  const Trial trial = expand_trials(spec)[0];
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> stop{false};
  MpiGroup group(world, ReducerKind::shared);
  SoloGroup solo;
  CapturingObserver on_group, alone;
  run_trial(trial, data, {}, on_group, stop, group);
  run_trial(trial, data, {}, alone, stop, solo);
  ASSERT_EQ(on_group.metrics.size(), 1u);
  ASSERT_EQ(alone.metrics.size(), 1u);
  const EpochMetrics &a = on_group.metrics[0], &b = alone.metrics[0];
  EXPECT_NEAR(a.train_loss, b.train_loss, 1e-5 * b.train_loss);
  EXPECT_NEAR(a.train_box_mae, b.train_box_mae, 1e-5 * b.train_box_mae);
  EXPECT_NEAR(a.test_loss, b.test_loss, 1e-4 * b.test_loss);
  EXPECT_LT(relative_difference(on_group.checkpoint.params, alone.checkpoint.params), 1e-6);
  EXPECT_EQ(differences_from_rank0(world, on_group.checkpoint.params), 0);
  std::vector<NamedTensor> map = {{"map", Tensor({1})}};
  map[0].tensor[0] = static_cast<float>(on_group.metrics.back().test_map50);
  EXPECT_EQ(differences_from_rank0(world, map), 0);
}

// Rank 0 plays the coordinator, every other rank a worker. Where the node's ranks shared one
// CPU set and there are 2 to C workers, each worker ends on its own non-empty share of it;
// otherwise nobody moves. Each rank's CPU set is put back afterwards.
TEST(Mpi, WorkerBindingGivesEachWorkerItsOwnCpus) {
  const Communicator world = Communicator::world();
  const std::vector<int> before = allowed_cpus();
  ASSERT_FALSE(before.empty());  // the same on every rank: the kernel always allows one CPU
  const bool worker = world.rank() != 0;
  // Whether every rank started with the same CPUs: their count and first and last CPU.
  const std::vector<int> starts =
      world.allgather({static_cast<int>(before.size()), before.front(), before.back()});
  bool shared = true;
  for (size_t r = 3; r < starts.size(); r += 3)
    shared = shared && std::equal(&starts[r], &starts[r] + 3, starts.begin());
  const int workers = world.size() - 1;
  const bool expect_binding = shared && workers >= 2 && workers <= static_cast<int>(before.size());

  const std::string line = bind_workers_to_cpus(world, worker);
  const std::vector<int> after = allowed_cpus();
  EXPECT_EQ(!line.empty(), expect_binding) << line;
  // How many workers claim each CPU: at most one, if the shares are disjoint.
  std::vector<double> claims(static_cast<size_t>(sysconf(_SC_NPROCESSORS_CONF)), 0.0);
  if (worker && expect_binding)
    for (int cpu : after) claims[static_cast<size_t>(cpu)] = 1;
  world.allreduce_sum(claims.data(), static_cast<int64_t>(claims.size()));
  if (worker && expect_binding) {
    EXPECT_EQ(after.size(), before.size() / static_cast<size_t>(workers));
    for (int cpu : after) EXPECT_EQ(claims[static_cast<size_t>(cpu)], 1.0) << "CPU " << cpu;
  } else {
    EXPECT_EQ(after, before);
  }
  if (worker) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu : before) CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
  }
}

TEST(Mpi, SameRanksGiveBitwiseIdenticalResults) {
  const Communicator world = Communicator::world();
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 620, 130, 9);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  const Trial trial = data_parallel_trial((dir / "data").string());
  std::atomic<bool> stop{false};
  for (const GroupSetup& setup :
       std::vector<GroupSetup>{{"shared", ReducerKind::shared},
                               {"bucketed", ReducerKind::bucketed},
                               {"shared across nodes", ReducerKind::shared, fake_halves(world)}}) {
    MpiGroup group(world, setup.reducer, setup.nodes);
    CapturingObserver first, second;
    run_trial(trial, data, {}, first, stop, group);
    run_trial(trial, data, {}, second, stop, group);
    EXPECT_EQ(first.metrics[0].train_loss, second.metrics[0].train_loss) << setup.name;
    EXPECT_EQ(first.metrics[0].test_loss, second.metrics[0].test_loss) << setup.name;
    ASSERT_EQ(first.checkpoint.params.size(), second.checkpoint.params.size()) << setup.name;
    for (size_t k = 0; k < first.checkpoint.params.size(); ++k)
      EXPECT_EQ(bitwise_differences(first.checkpoint.params[k].tensor,
                                    second.checkpoint.params[k].tensor),
                0)
          << setup.name << ": " << first.checkpoint.params[k].name;
  }
}

}  // namespace
}  // namespace hpsweep::testing

int main(int argc, char** argv) {
  hpsweep::MpiRuntime mpi(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
