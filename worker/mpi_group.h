// A training group of several MPI ranks (cluster mode, ranks_per_trial > 1): statistics and
// gradients are summed over the group's own communicator, never the world's; on one node, by
// default, gradients are summed in a window of shared memory (worker/shared_memory_reducer.h).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/communicator.h"
#include "common/shared_window.h"
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

class MpiGroup : public TrainingGroup {
 public:
  MpiGroup(Communicator comm, ReducerKind reducer);
  ~MpiGroup() override;  // collective over the group when it holds a shared window
  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  // ReducerKind::shared on one node: into this rank's segment of the group's window, which
  // grows (collectively) to the largest model the group has trained.
  void place_gradients(Model& model) override;
  std::unique_ptr<GradientReducer> make_reducer() override;
  // This rank's segment of the window, of at least `floats` floats, or an empty tensor when
  // the group does not sum in shared memory (not one node, or no room in /dev/shm: then it
  // says so once and sums as fused). Collective over the group.
  Tensor shared_gradient_storage(int64_t floats);
  void sum(double* values, int count) override { comm_.allreduce_sum(values, count); }
  const Communicator& communicator() const { return comm_; }

 private:
  Communicator comm_;
  ReducerKind reducer_;
  bool sums_in_shared_memory_ = false;  // reducer shared, on one node, and the window fits
  std::shared_ptr<SharedWindow> window_;
};

}  // namespace hpsweep
