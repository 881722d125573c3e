// Gradient reducers against a plain MPI_Allreduce of the same bytes, under mpirun:
//
//   mpirun -np 2 build/bench/bench_reducer [--reps N] [--sizes-mib 1,16]
//
// Cases: the d2l MLP's packed gradients (784-256-10, built with build_model, its parameters'
// grad tensors added in backward order as Model::backward adds them), and synthetic packed
// buffers of the given sizes cut into 16 equal adjacent tensors, also added last first.
// Methods, timed in the same round one after the other (the order rotates every round):
//   plain     MPI_Allreduce(MPI_IN_PLACE, whole buffer, MPI_COMM_WORLD)
//   fused     FusedReducer: add() every tensor, finish()
//   bucketed  BucketedReducer (1 MiB buckets, as MpiGroup builds it): add() every tensor, finish()
//   shared    MpiGroup's default reducer, SharedMemoryReducer on one node (across nodes, a
//             HierarchicalReducer by the real split): add() every tensor, finish()
//   hier      HierarchicalReducer (the default for a group that spans nodes), the ranks split
//             into two fake nodes, the first half and the rest (1+1, 2+1, 2+2 ranks): each node
//             sums in its own window, then its leader takes part in one MPI_Allreduce between
//             the two leaders (here through shared memory too, where real nodes would use the
//             network): add() every tensor, finish()
// Every buffer lives in the group's shared-memory window, where training puts gradients on one
// node; the MPI methods sum it there just as well. The cases take turns in the same window.
// hier's buffers live at the same offsets in its own group's storage (a fake node's window, or
// ordinary memory for a rank alone on its node).
// A round starts with a barrier; a rep's time is the slowest rank's. The table shows medians,
// bus bandwidth 2*(n-1)/n * bytes / time (as nccl-tests define it), and reducer/plain as
// plain_time / reducer_time (1.00: as fast as plain; the target is >= 0.90).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cluster/communicator.h"
#include "cluster/mpi_group.h"
#include "worker/model_factory.h"

namespace {

using namespace hpsweep;

constexpr int64_t kBucketBytes = 1 << 20;  // MpiGroup's bucket size
constexpr int kSyntheticPieces = 16;

struct Case {
  std::string name;
  float* buffer;                       // the packed range, reduced whole by the plain allreduce
  int64_t count;                       // floats
  std::vector<Tensor*> tensors;        // in the order add() is called (backward order)
  float* across_buffer;                // the same range in the storage of the group across nodes
  std::vector<Tensor> across_tensors;  // the same tensors there
};

enum Method { kPlain, kFused, kBucketed, kShared, kHierarchical, kMethods };
const char* const kMethodNames[kMethods] = {"plain", "fused", "bucketed", "shared", "hier"};

// The two groups that the reducers sum over: the world on its one node, and the world across
// two fake nodes.
struct Groups {
  MpiGroup& one_node;
  MpiGroup& across_nodes;
};

float* buffer_of(Method method, const Case& c) {
  return method == kHierarchical ? c.across_buffer : c.buffer;
}

void refill(Method method, const Case& c, int rank) {
  // Small values that stay exact in float however often they are summed over a few ranks.
  float* buffer = buffer_of(method, c);
  std::fill(buffer, buffer + c.count, static_cast<float>(rank + 1));
}

void run_once(Method method, const Case& c, const Communicator& world, Groups groups) {
  switch (method) {
    case kPlain:
      MPI_Allreduce(MPI_IN_PLACE, c.buffer, static_cast<int>(c.count), MPI_FLOAT, MPI_SUM,
                    MPI_COMM_WORLD);
      break;
    case kFused: {
      FusedReducer reducer(world);
      for (Tensor* t : c.tensors) reducer.add(*t);
      reducer.finish();
      break;
    }
    case kBucketed: {
      BucketedReducer reducer(world, kBucketBytes);
      for (Tensor* t : c.tensors) reducer.add(*t);
      reducer.finish();
      break;
    }
    case kShared: {
      const std::unique_ptr<GradientReducer> reducer = groups.one_node.make_reducer();
      for (Tensor* t : c.tensors) reducer->add(*t);
      reducer->finish();
      break;
    }
    case kHierarchical: {
      const std::unique_ptr<GradientReducer> reducer = groups.across_nodes.make_reducer();
      for (Tensor t : c.across_tensors) reducer->add(t);
      reducer->finish();
      break;
    }
    default:
      break;
  }
}

// Every method must leave sum over ranks of (rank + 1) in every element.
bool check(Method method, const Case& c, const Communicator& world, Groups groups) {
  const int n = world.size();
  refill(method, c, world.rank());
  run_once(method, c, world, groups);
  const float expected = static_cast<float>(n * (n + 1) / 2);
  const float* sums = buffer_of(method, c);
  int64_t wrong = 0;
  for (int64_t i = 0; i < c.count; ++i) wrong += sums[i] != expected;
  double total = static_cast<double>(wrong);
  world.allreduce_sum(&total, 1);
  return total == 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

struct Result {
  double median_seconds[kMethods];
};

Result time_case(const Case& c, const Communicator& world, Groups groups, int reps, int warmup) {
  std::vector<double> times[kMethods];
  for (auto& t : times) t.reserve(reps);
  for (int rep = -warmup; rep < reps; ++rep) {
    for (int k = 0; k < kMethods; ++k) {
      const Method method = static_cast<Method>((k + (rep < 0 ? 0 : rep)) % kMethods);
      refill(method, c, world.rank());
      MPI_Barrier(MPI_COMM_WORLD);
      const double start = MPI_Wtime();
      run_once(method, c, world, groups);
      const double elapsed = MPI_Wtime() - start;
      if (rep >= 0) times[method].push_back(elapsed);
    }
  }
  Result result{};
  for (int m = 0; m < kMethods; ++m) {
    // The slowest rank's time for every rep.
    MPI_Allreduce(MPI_IN_PLACE, times[m].data(), reps, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    result.median_seconds[m] = median(times[m]);
  }
  return result;
}

std::vector<int64_t> parse_sizes(const char* text) {
  std::vector<int64_t> sizes;
  std::string s(text);
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t comma = s.find(',', pos);
    const std::string item =
        s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!item.empty()) sizes.push_back(static_cast<int64_t>(std::atof(item.c_str()) * (1 << 20)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  hpsweep::MpiRuntime mpi(&argc, &argv);
  const Communicator world = Communicator::world();
  const int rank = world.rank(), n = world.size();
  int reps = 200, warmup = 10;
  std::vector<int64_t> sizes = parse_sizes("1,16");
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--warmup") && i + 1 < argc)
      warmup = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--sizes-mib") && i + 1 < argc)
      sizes = parse_sizes(argv[++i]);
    else {
      if (rank == 0)
        std::fprintf(
            stderr,
            "usage: mpirun -np N bench_reducer [--reps N] [--warmup N] [--sizes-mib 1,16]\n");
      return 2;
    }
  }
  if (reps < 1 || warmup < 0) {
    if (rank == 0) std::fprintf(stderr, "--reps must be >= 1 and --warmup >= 0\n");
    return 2;
  }
  if (n < 2 && rank == 0)
    std::fprintf(stderr, "note: 1 rank, nothing crosses a process boundary\n");

  std::vector<Case> cases;
  MpiGroup group(world, ReducerKind::shared);
  // hier's group: the world on two fake nodes, its first half and the rest.
  const int first_node_ranks = (n + 1) / 2;
  MpiGroup across(world, ReducerKind::shared, [first_node_ranks](const Communicator& c) {
    return c.split(c.rank() < first_node_ranks ? 0 : 1, c.rank());
  });
  const Groups groups{group, across};
  int64_t largest = 0;
  for (int64_t bytes : sizes) largest = std::max(largest, bytes / int64_t{sizeof(float)});

  // The d2l MLP: Flatten, Linear(784, 256), ReLU, Dropout, Linear(256, 10); packed grads.
  ModelConfig mlp_config;
  mlp_config.width = 256;
  mlp_config.depth = 1;
  Model mlp = build_model(mlp_config, {1, 28, 28}, 10);
  // Sized once for the largest case, so the window never moves under an earlier case.
  const int64_t floats = std::max(largest, mlp.gradient_count());
  Tensor window = group.shared_gradient_storage(floats);
  if (window.empty()) {
    if (rank == 0)
      std::fprintf(stderr,
                   "note: no shared window (1 rank, or no room in /dev/shm): shared sums as "
                   "fused\n");
    window = Tensor({floats});
  }
  Tensor across_storage = across.shared_gradient_storage(floats);
  if (across_storage.empty()) {
    if (rank == 0)
      std::fprintf(stderr,
                   "note: no storage for the group across fake nodes: hier sums as fused\n");
    across_storage = Tensor({floats});
  }
  mlp.pack_gradients_into(window);
  {
    Case c;
    c.name = "mlp 784-256-10";
    std::vector<Tensor*> forward_order;
    for (const NamedParameter& p : mlp.parameters()) forward_order.push_back(&p.parameter->grad);
    // Model::backward: layers last first, each layer's parameters last first.
    for (size_t i = mlp.layers().size(); i-- > 0;) {
      std::vector<Parameter*> params = mlp.layers()[i]->parameters();
      for (auto p = params.rbegin(); p != params.rend(); ++p) c.tensors.push_back(&(*p)->grad);
    }
    c.buffer = forward_order.front()->data();
    c.count = 0;
    for (Tensor* t : forward_order) c.count += t->size();
    if (forward_order.back()->data() + forward_order.back()->size() != c.buffer + c.count) {
      if (rank == 0) std::fprintf(stderr, "the MLP's gradients are not packed\n");
      return 1;
    }
    cases.push_back(std::move(c));
  }

  // Synthetic packed buffers: kSyntheticPieces adjacent tensors, added last first.
  std::vector<std::unique_ptr<Tensor>> storage;
  for (int64_t bytes : sizes) {
    const int64_t count = bytes / static_cast<int64_t>(sizeof(float));
    auto buffer = std::make_unique<Tensor>(window.rows(0, count));
    Case c;
    char name[64];
    std::snprintf(name, sizeof name, "packed %g MiB/%d", static_cast<double>(bytes) / (1 << 20),
                  kSyntheticPieces);
    c.name = name;
    c.buffer = buffer->data();
    c.count = count;
    for (int piece = kSyntheticPieces; piece-- > 0;) {
      auto view = std::make_unique<Tensor>(
          buffer->rows(count * piece / kSyntheticPieces, count * (piece + 1) / kSyntheticPieces));
      c.tensors.push_back(view.get());
      storage.push_back(std::move(view));
    }
    storage.push_back(std::move(buffer));
    cases.push_back(std::move(c));
  }
  // hier's copies of every case: the same tensors at the same offsets in its group's storage.
  for (Case& c : cases) {
    c.across_buffer = across_storage.data() + (c.buffer - window.data());
    for (const Tensor* t : c.tensors) {
      const int64_t offset = t->data() - window.data();
      c.across_tensors.push_back(across_storage.rows(offset, offset + t->size()));
    }
  }

  if (rank == 0) {
    std::printf(
        "bench_reducer: %d ranks, %d reps per method (+%d warm-up), medians of the slowest rank\n",
        n, reps, warmup);
    std::printf(
        "busbw = 2*(n-1)/n * bytes / time; reducer/plain = reducer busbw / plain busbw = plain "
        "time / reducer time (target >= 0.90)\n");
    std::printf("hier: fake nodes of ranks 0-%d and %d-%d\n\n", first_node_ranks - 1,
                first_node_ranks, n - 1);
    std::printf("%-20s %10s | %-49s | %-44s | %-31s\n", "", "", "median us", "busbw GB/s",
                "reducer/plain");
    std::printf("%-20s %10s | %9s %9s %9s %9s %9s | %8s %8s %8s %8s %8s | %7s %7s %7s %7s\n",
                "case", "bytes", "plain", "fused", "bucketed", "shared", "hier", "plain", "fused",
                "bucketed", "shared", "hier", "fused", "bucketed", "shared", "hier");
  }
  bool all_correct = true;
  for (const Case& c : cases) {
    for (int m = 0; m < kMethods; ++m) {
      if (!check(static_cast<Method>(m), c, world, groups)) {
        all_correct = false;
        if (rank == 0)
          std::fprintf(stderr, "%s: %s gave a wrong sum\n", c.name.c_str(), kMethodNames[m]);
      }
    }
    const Result r = time_case(c, world, groups, reps, warmup);
    if (rank != 0) continue;
    const double bytes = static_cast<double>(c.count) * sizeof(float);
    double busbw[kMethods];
    for (int m = 0; m < kMethods; ++m)
      busbw[m] = 2.0 * (n - 1) / n * bytes / r.median_seconds[m] / 1e9;
    std::printf("%-20s %10.0f |", c.name.c_str(), bytes);
    for (int m = 0; m < kMethods; ++m) std::printf(" %9.1f", 1e6 * r.median_seconds[m]);
    std::printf(" |");
    for (int m = 0; m < kMethods; ++m) std::printf(" %8.2f", busbw[m]);
    std::printf(" |");
    for (int m = kFused; m < kMethods; ++m)
      std::printf(" %7.3f", r.median_seconds[kPlain] / r.median_seconds[m]);
    std::printf("\n");
    std::fflush(stdout);
  }
  return all_correct ? 0 : 1;
}
