#include "cluster/shared_memory_reducer.h"

#include "cluster/window_slices.h"
#include "worker/float_ranges.h"

namespace hpsweep {

void SharedMemoryReducer::add(Tensor& tensor) {
  if (tensor.size() == 0) return;
  float* own = window_ ? window_->segment(comm_.rank()) : nullptr;
  const bool inside =
      own && tensor.data() >= own && tensor.data() + tensor.size() <= own + window_->floats();
  append(inside ? in_window_ : elsewhere_, tensor.data(), tensor.size());
}

void SharedMemoryReducer::finish() {
  if (!in_window_.empty()) {
    window_->synchronize();  // every rank's gradients are complete
    for (const FloatRange& range : in_window_) sum_slice_in_window(range);
    window_->synchronize();  // every slice's sum is in every segment
    in_window_.clear();
  }
  for (const auto& [begin, count] : elsewhere_) comm_.allreduce_sum(begin, count);
  elsewhere_.clear();
}

void SharedMemoryReducer::sum_slice_in_window(const FloatRange& range) const {
  const int ranks = comm_.size(), rank = comm_.rank();
  const int64_t offset = range.first - window_->segment(rank);
  sum_slice(*window_, slice_of(offset, range.second, rank, ranks), 0, ranks);
}

}  // namespace hpsweep
