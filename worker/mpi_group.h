// A training group of several MPI ranks (cluster mode, ranks_per_trial > 1): statistics and
// gradients are summed over the group's own communicator, never the world's.
#pragma once

#include <cstdint>
#include <vector>

#include "common/communicator.h"
#include "common/spec.h"
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
  std::vector<std::pair<float*, int64_t>> ranges_;
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
  float* begin_ = nullptr;
  int64_t count_ = 0;
  std::vector<MPI_Request> requests_;
};

class MpiGroup : public TrainingGroup {
 public:
  MpiGroup(Communicator comm, ReducerKind reducer) : comm_(std::move(comm)), reducer_(reducer) {}
  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  std::unique_ptr<GradientReducer> make_reducer() override;
  void sum(double* values, int count) override { comm_.allreduce_sum(values, count); }
  const Communicator& communicator() const { return comm_; }

 private:
  Communicator comm_;
  ReducerKind reducer_;
};

}  // namespace hpsweep
