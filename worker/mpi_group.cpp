#include "worker/mpi_group.h"

namespace hpsweep {
namespace {

constexpr int64_t kBucketBytes = 1 << 20;

// Grows [begin, begin + count) by `tensor` when the two touch in memory; false otherwise.
bool extend(float*& begin, int64_t& count, Tensor& tensor) {
  if (count == 0) {
    begin = tensor.data();
    count = tensor.size();
    return true;
  }
  if (tensor.data() + tensor.size() == begin) {  // the backward pass walks the buffer downwards
    begin = tensor.data();
    count += tensor.size();
    return true;
  }
  if (begin + count == tensor.data()) {
    count += tensor.size();
    return true;
  }
  return false;
}

}  // namespace

void FusedReducer::add(Tensor& tensor) {
  if (!ranges_.empty() && extend(ranges_.back().first, ranges_.back().second, tensor)) return;
  ranges_.push_back({tensor.data(), tensor.size()});
}

void FusedReducer::finish() {
  for (auto& [begin, count] : ranges_) comm_.allreduce_sum(begin, count);
  ranges_.clear();
}

void BucketedReducer::add(Tensor& tensor) {
  if (!extend(begin_, count_, tensor)) {
    launch();
    begin_ = tensor.data();
    count_ = tensor.size();
  }
  if (count_ >= bucket_floats_) launch();
}

void BucketedReducer::launch() {
  if (count_ == 0) return;
  requests_.push_back(comm_.start_allreduce_sum(begin_, count_));
  begin_ = nullptr;
  count_ = 0;
}

void BucketedReducer::finish() {
  launch();
  Communicator::wait_all(requests_);
}

std::unique_ptr<GradientReducer> MpiGroup::make_reducer() {
  if (reducer_ == ReducerKind::bucketed)
    return std::make_unique<BucketedReducer>(comm_, kBucketBytes);
  return std::make_unique<FusedReducer>(comm_);
}

}  // namespace hpsweep
