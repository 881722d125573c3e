#include "cluster/hierarchical_reducer.h"

namespace hpsweep {

void HierarchicalReducer::add(Tensor& tensor) {
  if (tensor.size() == 0) return;
  const auto& [own, floats] = storage_;
  const bool inside = own && tensor.data() >= own && tensor.data() + tensor.size() <= own + floats;
  append(inside ? in_storage_ : elsewhere_, tensor.data(), tensor.size());
}

void HierarchicalReducer::finish() {
  if (!in_storage_.empty()) {
    if (window_) sum_node_into_leader();
    // In the leader's own storage: the node's segment 0.
    if (leaders_.valid())
      for (const auto& [begin, count] : in_storage_) leaders_.allreduce_sum(begin, count);
    if (window_) copy_total_from_leader();
    in_storage_.clear();
  }
  for (const auto& [begin, count] : elsewhere_) group_.allreduce_sum(begin, count);
  elsewhere_.clear();
}

Slice HierarchicalReducer::own_slice(const FloatRange& range) const {
  return slice_of(range.first - storage_.first, range.second, node_.rank(), node_.size());
}

void HierarchicalReducer::sum_node_into_leader() const {
  window_->synchronize();  // every rank's gradients are complete
  for (const FloatRange& range : in_storage_) sum_slice(*window_, own_slice(range), 0, 1);
  window_->synchronize();  // the leader's segment holds the node's sums
}

void HierarchicalReducer::copy_total_from_leader() const {
  window_->synchronize();  // the leader's segment holds the group's sums
  for (const FloatRange& range : in_storage_)
    copy_slice(*window_, own_slice(range), 0, 1, window_->ranks());
  // Every segment holds the sums, and the leader's next gradients cannot overwrite a slice
  // that a peer still copies.
  window_->synchronize();
}

}  // namespace hpsweep
