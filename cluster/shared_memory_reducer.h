// The group's gradient sum for ranks on one node, through a window of shared memory: each rank
// computes its gradients straight into its segment (Model::pack_gradients_into), then, between
// two barriers, sums one slice of every segment in rank order and writes that sum into every
// segment. Each rank so reads and writes each float once per peer, where MPI_Allreduce over
// Open MPI's shared-memory transport copies every buffer into and out of its queues: 814 KB of
// MLP gradients take 37-88 us here against 103-375 us (bench_reducer, docs/cluster-performance.md).
//
// The sum of each float is made by one rank in a fixed order, so every rank ends with the same
// bits, run after run. Tensors outside the window (all of them when there is none) are summed
// with MPI_Allreduce, as FusedReducer does. A group that spans nodes sums its gradients with
// cluster/hierarchical_reducer.h instead.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "cluster/communicator.h"
#include "cluster/shared_window.h"
#include "worker/float_ranges.h"
#include "worker/gradient_reducer.h"

namespace hpsweep {

class SharedMemoryReducer : public GradientReducer {
 public:
  // `window` may be null (no room for it in /dev/shm): then every tensor goes through MPI. The
  // window must outlive the reducer (MpiGroup keeps it for all its trials).
  SharedMemoryReducer(const Communicator& comm, const SharedWindow* window)
      : comm_(comm), window_(window) {}
  void add(Tensor& tensor) override;
  void finish() override;

 private:
  void sum_slice_in_window(const FloatRange& range) const;

  const Communicator& comm_;
  const SharedWindow* window_;
  std::vector<FloatRange> in_window_, elsewhere_;
};

}  // namespace hpsweep
