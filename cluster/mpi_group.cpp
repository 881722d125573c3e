#include "cluster/mpi_group.h"

#include <iostream>
#include <stdexcept>
#include <string>

#include "cluster/hierarchical_reducer.h"
#include "cluster/shared_memory_reducer.h"
#include "worker/model.h"

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

MpiGroup::MpiGroup(Communicator comm, ReducerKind reducer, const NodeSplit& split_by_node)
    : comm_(std::move(comm)), reducer_(reducer), node_(comm_) {
  if (reducer_ != ReducerKind::shared || comm_.size() == 1) return;
  sums_in_shared_memory_ = true;
  Communicator node = split_by_node(comm_);
  if (node.size() == comm_.size()) return;  // one node: one window for the whole group
  node_ = std::move(node);
  leaders_ = comm_.split(node_.rank() == 0 ? 0 : -1, comm_.rank());
}

// The window, if any, is freed here (collectively): the models whose gradients it held are
// gone on every rank by now.
MpiGroup::~MpiGroup() = default;

int64_t MpiGroup::storage_floats() const {
  if (window_) return window_->floats();
  return alone_on_node_.empty() ? 0 : alone_on_node_.size();
}

// Collective over the group: every node's answer, so that the whole group sums the same way.
// The first rank of a node without room says why.
bool MpiGroup::windows_fit(int64_t floats) const {
  std::optional<std::string> why_not;
  if (node_.size() > 1) why_not = SharedWindow::why_it_does_not_fit(node_, floats);
  if (why_not && node_.rank() == 0)
    std::cerr << "hpsweep: " << *why_not
              << ": this group sums gradients with MPI_Allreduce instead\n";
  if (!spans_nodes()) return !why_not;
  double ranks_without_room = why_not ? 1 : 0;
  comm_.allreduce_sum(&ranks_without_room, 1);
  return ranks_without_room == 0;
}

Tensor MpiGroup::shared_gradient_storage(int64_t floats) {
  if (!sums_in_shared_memory_) return {};
  if (storage_floats() < floats) {
    // MPI_Win_free is collective: it must run here, on every rank, not wherever a stray view
    // of the old window happens to die.
    if (window_ && window_.use_count() != 1)
      throw std::logic_error("the group's shared window is still in use while it grows");
    window_.reset();
    alone_on_node_ = {};
    if (!windows_fit(floats)) {
      sums_in_shared_memory_ = false;  // from now on, as reducer: fused
      return {};
    }
    if (node_.size() > 1)
      window_ = std::make_shared<SharedWindow>(node_, floats);
    else
      alone_on_node_ = Tensor({floats});
  }
  return own_storage();
}

Tensor MpiGroup::own_storage() const {
  if (!window_) return alone_on_node_;
  // Views of the segment share ownership of the window, so none can outlive it.
  const std::shared_ptr<float[]> segment(window_, window_->segment(node_.rank()));
  return Tensor({window_->floats()}, segment);
}

void MpiGroup::place_gradients(Model& model) {
  const Tensor storage = shared_gradient_storage(model.gradient_count());
  if (!storage.empty()) model.pack_gradients_into(storage);
}

std::unique_ptr<GradientReducer> MpiGroup::make_reducer() {
  if (reducer_ == ReducerKind::bucketed)
    return std::make_unique<BucketedReducer>(comm_, kBucketBytes);
  if (sums_in_shared_memory_ && spans_nodes()) {
    Tensor storage = own_storage();
    return std::make_unique<HierarchicalReducer>(comm_, node_, *leaders_, window_.get(),
                                                 FloatRange{storage.data(), storage_floats()});
  }
  if (reducer_ == ReducerKind::shared)
    return std::make_unique<SharedMemoryReducer>(comm_, window_.get());
  return std::make_unique<FusedReducer>(comm_);
}

}  // namespace hpsweep
