#include "common/shared_window.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "common/blas.h"

namespace hpsweep {
namespace {

constexpr int64_t kAlignFloats = 16;  // 64 bytes

int64_t padded(int64_t floats) {
  const int64_t total = floats + kGemmOperandSlack;
  return (total + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

}  // namespace

SharedWindow::SharedWindow(const Communicator& comm, int64_t floats)
    : comm_(*comm.comm_), floats_(floats) {
  const MPI_Aint bytes = static_cast<MPI_Aint>(padded(floats) * sizeof(float));
  float* mine = nullptr;
  // Segments are contiguous by default; every one is a multiple of 64 bytes, so each starts
  // aligned as the first does (Open MPI page-aligns the whole block).
  const int code =
      MPI_Win_allocate_shared(bytes, sizeof(float), MPI_INFO_NULL, comm_, &mine, &window_);
  if (code != MPI_SUCCESS)
    throw std::runtime_error("MPI_Win_allocate_shared of " + std::to_string(bytes) +
                             " bytes per rank failed (resources.reducer: fused avoids it)");
  segments_.resize(static_cast<size_t>(comm.size()));
  for (int rank = 0; rank < comm.size(); ++rank) {
    MPI_Aint size = 0;
    int unit = 0;
    MPI_Win_shared_query(window_, rank, &size, &unit, &segments_[static_cast<size_t>(rank)]);
  }
  std::fill(mine, mine + padded(floats), 0.0f);
  // One passive-target epoch for the window's whole life: synchronize() only needs
  // MPI_Win_sync inside it.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, window_);
  synchronize();
}

SharedWindow::~SharedWindow() {
  MPI_Win_unlock_all(window_);
  MPI_Win_free(&window_);
}

void SharedWindow::synchronize() const {
  MPI_Win_sync(window_);
  MPI_Barrier(comm_);
  MPI_Win_sync(window_);
}

}  // namespace hpsweep
