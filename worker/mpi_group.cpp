#include "worker/mpi_group.h"

#include <iostream>
#include <stdexcept>

#include "worker/model.h"
#include "worker/shared_memory_reducer.h"

namespace hpsweep {
namespace {

constexpr int64_t kBucketBytes = 1 << 20;

}  // namespace

void FusedReducer::add(Tensor& tensor) {
  append(ranges_, tensor.data(), tensor.size());
}

void FusedReducer::finish() {
  for (auto& [begin, count] : ranges_) comm_.allreduce_sum(begin, count);
  ranges_.clear();
}

void BucketedReducer::add(Tensor& tensor) {
  if (!extend(bucket_, tensor.data(), tensor.size())) {
    launch();
    bucket_ = {tensor.data(), tensor.size()};
  }
  if (bucket_.second >= bucket_floats_) launch();
}

void BucketedReducer::launch() {
  if (bucket_.second == 0) return;
  requests_.push_back(comm_.start_allreduce_sum(bucket_.first, bucket_.second));
  bucket_ = {nullptr, 0};
}

void BucketedReducer::finish() {
  launch();
  Communicator::wait_all(requests_);
}

MpiGroup::MpiGroup(Communicator comm, ReducerKind reducer)
    : comm_(std::move(comm)), reducer_(reducer) {
  sums_in_shared_memory_ =
      reducer_ == ReducerKind::shared && comm_.size() > 1 && comm_.on_one_node();
}

// The window, if any, is freed here (collectively): the models whose gradients it held are
// gone on every rank by now.
MpiGroup::~MpiGroup() = default;

Tensor MpiGroup::shared_gradient_storage(int64_t floats) {
  if (!sums_in_shared_memory_) return {};
  if (!window_ || window_->floats() < floats) {
    // MPI_Win_free is collective: it must run here, on every rank, not wherever a stray view
    // of the old window happens to die.
    if (window_ && window_.use_count() != 1)
      throw std::logic_error("the group's shared window is still in use while it grows");
    window_.reset();
    if (const auto why_not = SharedWindow::why_it_does_not_fit(comm_, floats)) {
      sums_in_shared_memory_ = false;  // from now on, as reducer: fused
      if (comm_.rank() == 0)
        std::cerr << "hpsweep: " << *why_not
                  << ": this group sums gradients with MPI_Allreduce instead\n";
      return {};
    }
    window_ = std::make_shared<SharedWindow>(comm_, floats);
  }
  // Views of the segment share ownership of the window, so none can outlive it.
  const std::shared_ptr<float[]> segment(window_, window_->segment(comm_.rank()));
  return Tensor({window_->floats()}, segment);
}

void MpiGroup::place_gradients(Model& model) {
  const Tensor storage = shared_gradient_storage(model.gradient_count());
  if (!storage.empty()) model.pack_gradients_into(storage);
}

std::unique_ptr<GradientReducer> MpiGroup::make_reducer() {
  if (reducer_ == ReducerKind::bucketed)
    return std::make_unique<BucketedReducer>(comm_, kBucketBytes);
  if (reducer_ == ReducerKind::shared)
    return std::make_unique<SharedMemoryReducer>(comm_, window_.get());
  return std::make_unique<FusedReducer>(comm_);
}

}  // namespace hpsweep
