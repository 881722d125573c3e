// The gradient sum of a group whose ranks span nodes, in three stages:
//   1. within each node, the group's ranks there sum their gradients in a window of shared
//      memory, each rank one slice of every segment in rank order (as SharedMemoryReducer does),
//      into the segment of the node's leader, its first rank of the group;
//   2. the leaders sum their nodes' sums with MPI_Allreduce among themselves (one call for a
//      model's packed gradients);
//   3. within each node, each rank copies its slice of the leader's total into the other
//      segments.
// Only one rank per node sends gradients over the network, once. A rank alone on its node has
// no window and no stage 1 or 3: it is its node's leader, and its gradients live in ordinary
// memory.
//
// Every node sum is made by one rank in a fixed order, and the leaders' allreduce gives every
// leader the same bits for the same sums on the same ranks (the property reducer: fused relies
// on too), so every rank ends with the same bits, run after run. Tensors outside the storage
// are summed with MPI_Allreduce over the whole group.
#pragma once

#include <vector>

#include "cluster/communicator.h"
#include "cluster/shared_window.h"
#include "cluster/window_slices.h"
#include "worker/float_ranges.h"
#include "worker/gradient_reducer.h"

namespace hpsweep {

class HierarchicalReducer : public GradientReducer {
 public:
  // `node`: the group's ranks on this rank's node, in group rank order (its rank 0 leads);
  // `leaders`: every node's leader (valid on leaders only). `storage` holds what is summed
  // through the nodes: this rank's segment of `window` (over `node`), or ordinary memory when
  // the node has only this rank (`window` null). Every node must lay out its storage alike
  // (MpiGroup places the same model at the same offsets), so that the leaders' allreduces
  // match. The communicators and the window must outlive the reducer.
  HierarchicalReducer(const Communicator& group, const Communicator& node,
                      const Communicator& leaders, const SharedWindow* window, FloatRange storage)
      : group_(group), node_(node), leaders_(leaders), window_(window), storage_(storage) {}
  void add(Tensor& tensor) override;
  void finish() override;

 private:
  Slice own_slice(const FloatRange& range) const;
  void sum_node_into_leader() const;
  void copy_total_from_leader() const;

  const Communicator& group_;
  const Communicator& node_;
  const Communicator& leaders_;
  const SharedWindow* window_;
  FloatRange storage_;
  std::vector<FloatRange> in_storage_, elsewhere_;
};

}  // namespace hpsweep
