// A training group of several MPI ranks (cluster mode, ranks_per_trial > 1): statistics and
// gradients are summed over the group's own communicator, never the world's. By default,
// gradients are summed in windows of shared memory: the whole group's on one node
// (cluster/shared_memory_reducer.h), each node's and then across nodes when the group spans
// several (cluster/hierarchical_reducer.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "cluster/communicator.h"
#include "cluster/shared_window.h"
#include "common/spec.h"
#include "worker/float_ranges.h"
#include "worker/training_group.h"

namespace hpsweep {

// Sums all added tensors with as few blocking allreduces as their layout allows: tensors that
// touch in memory (a model's packed gradients) are reduced as one range, with no copies.
class FusedReducer : public GradientReducer {
 public:
  explicit FusedReducer(const Communicator& comm) : comm_(comm) {}
  void add(Tensor& tensor) override;
  void finish() override;

 private:
  const Communicator& comm_;
  std::vector<FloatRange> ranges_;
};

// Starts a non-blocking allreduce whenever the contiguous range collected so far reaches
// bucket_bytes, so communication can overlap the rest of the backward pass.
class BucketedReducer : public GradientReducer {
 public:
  BucketedReducer(const Communicator& comm, int64_t bucket_bytes)
      : comm_(comm), bucket_floats_(bucket_bytes / static_cast<int64_t>(sizeof(float))) {}
  void add(Tensor& tensor) override;
  void finish() override;

 private:
  void launch();
  const Communicator& comm_;
  int64_t bucket_floats_;
  FloatRange bucket_{nullptr, 0};
  std::vector<MPI_Request> requests_;
};

// The group's ranks on this rank's node, in group rank order: Communicator::split_by_node,
// or, in tests, another split that plays several nodes on one machine.
using NodeSplit = std::function<Communicator(const Communicator& group)>;

class MpiGroup : public TrainingGroup {
 public:
  MpiGroup(Communicator comm, ReducerKind reducer,
           const NodeSplit& split_by_node = &Communicator::split_by_node);
  ~MpiGroup() override;  // collective over the group when it holds a shared window
  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  // ReducerKind::shared: into this rank's gradient storage (below), which grows
  // (collectively) to the largest model the group has trained.
  void place_gradients(Model& model) override;
  std::unique_ptr<GradientReducer> make_reducer() override;
  // Where this rank's gradients are summed, of at least `floats` floats: its segment of the
  // window shared by the group's ranks on its node, or ordinary memory when it is the only one
  // there. Empty when the group does not sum in shared memory (reducer not shared, or no room
  // in /dev/shm on some node: then that node says so once and the group sums as fused).
  // Collective over the group.
  Tensor shared_gradient_storage(int64_t floats);
  void sum(double* values, int count) override { comm_.allreduce_sum(values, count); }
  const Communicator& communicator() const { return comm_; }

 private:
  bool spans_nodes() const { return leaders_.has_value(); }
  Tensor own_storage() const;  // as it stands: empty before the first model
  int64_t storage_floats() const;
  bool windows_fit(int64_t floats) const;

  Communicator comm_;
  ReducerKind reducer_;
  bool sums_in_shared_memory_ = false;    // reducer shared, and every node's window fits
  Communicator node_;                     // the group's ranks on this node: comm_ on one node
  std::optional<Communicator> leaders_;   // spanning nodes: each node's first rank (valid there)
  std::shared_ptr<SharedWindow> window_;  // over node_, when it has more than this rank
  Tensor alone_on_node_;  // the storage of a rank that is its node's only one in the group
};

}  // namespace hpsweep
