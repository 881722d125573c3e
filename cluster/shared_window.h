// Memory that every rank of a one-node communicator can read and write directly
// (MPI_Win_allocate_shared). A group on one node sums its gradients here, each rank reading
// its peers' buffers in place, instead of copying them through MPI's shared-memory transport
// (cluster/shared_memory_reducer.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/communicator.h"

namespace hpsweep {

class SharedWindow {
 public:
  // Collective over `comm`, whose ranks must share a node: each rank gets a zeroed segment of
  // `floats` floats (plus kGemmOperandSlack, so views of it can be gemm operands), 64-byte
  // aligned. Throws std::runtime_error when MPI cannot allocate it; ask fits() first, as
  // Open MPI 4.1 leaves the other ranks waiting when the first one cannot.
  SharedWindow(const Communicator& comm, int64_t floats);
  // Collective too: every rank of `comm` must destroy its window at the same point.
  ~SharedWindow();
  SharedWindow(const SharedWindow&) = delete;
  SharedWindow& operator=(const SharedWindow&) = delete;

  // Collective: whether the file system behind Open MPI's shared-memory windows (/dev/shm, or
  // OMPI_MCA_osc_sm_backing_directory) has room for a window of `floats` per rank. Every rank
  // gets the same answer: nothing when it fits, otherwise why not.
  static std::optional<std::string> why_it_does_not_fit(const Communicator& comm, int64_t floats);

  int64_t floats() const { return floats_; }
  int ranks() const { return static_cast<int>(segments_.size()); }
  float* segment(int rank) const { return segments_[static_cast<size_t>(rank)]; }
  // A memory fence and a barrier: what any rank wrote before is visible to all after.
  void synchronize() const;

 private:
  Communicator comm_;
  MPI_Win window_ = MPI_WIN_NULL;
  int64_t floats_;
  std::vector<float*> segments_;
};

}  // namespace hpsweep
