#include "cluster/shared_window.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Where Open MPI 4.1's osc/sm component puts a window's backing file.
std::string backing_directory() {
  const char* chosen = std::getenv("OMPI_MCA_osc_sm_backing_directory");
  return chosen ? chosen : "/dev/shm";
}

}  // namespace

std::optional<std::string> SharedWindow::why_it_does_not_fit(const Communicator& comm,
                                                             int64_t floats) {
  // The whole window is one file: every rank's segment, plus a page of bookkeeping.
  const double needed = static_cast<double>(padded(floats)) * sizeof(float) * comm.size() + 65536;
  const std::string directory = backing_directory();
  struct statvfs fs {};
  // A directory that cannot be inspected (missing, no permission) would fail Open MPI too.
  const bool inspected = statvfs(directory.c_str(), &fs) == 0;
  const double available =
      inspected ? static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) : 0;
  // All ranks share the node and so the file system; any rank that sees too little decides.
  double shortfall = std::max(0.0, needed - available);
  comm.allreduce_sum(&shortfall, 1);
  if (shortfall == 0) return std::nullopt;
  if (!inspected) return directory + ": " + std::strerror(errno);
  char text[160];
  std::snprintf(text, sizeof text,
                " has %.1f MB free; the group's window of shared memory needs %.1f MB",
                available / 1e6, needed / 1e6);
  return directory + text;
}

SharedWindow::SharedWindow(const Communicator& comm, int64_t floats)
    : comm_(comm), floats_(floats) {
  // 64 bytes more than the segment needs, to start it on a 64-byte boundary: Open MPI 4.1.4
  // hands out segments 8 bytes past one.
  const MPI_Aint bytes = static_cast<MPI_Aint>((padded(floats) + kAlignFloats) * sizeof(float));
  float* mine = nullptr;
  if (MPI_Win_allocate_shared(bytes, sizeof(float), MPI_INFO_NULL, *comm_.comm_, &mine, &window_) !=
      MPI_SUCCESS)
    throw std::runtime_error("MPI_Win_allocate_shared of " + std::to_string(bytes) +
                             " bytes per rank failed (resources.reducer: fused avoids it)");
  segments_.resize(static_cast<size_t>(comm_.size()));
  for (int rank = 0; rank < comm_.size(); ++rank) {
    MPI_Aint size = 0;
    int unit = 0;
    float* start = nullptr;
    check_mpi(MPI_Win_shared_query(window_, rank, &size, &unit, &start), "MPI_Win_shared_query");
    if (size < bytes) throw std::logic_error("a shared window segment is smaller than asked");
    const uintptr_t address = reinterpret_cast<uintptr_t>(start);
    segments_[static_cast<size_t>(rank)] = reinterpret_cast<float*>((address + 63) / 64 * 64);
  }
  float* own = segments_[static_cast<size_t>(comm_.rank())];
  std::fill(own, own + padded(floats), 0.0f);
  // One passive-target epoch for the window's whole life: synchronize() only needs
  // MPI_Win_sync inside it.
  check_mpi(MPI_Win_lock_all(MPI_MODE_NOCHECK, window_), "MPI_Win_lock_all");
  synchronize();
}

SharedWindow::~SharedWindow() {
  MPI_Win_unlock_all(window_);
  MPI_Win_free(&window_);
}

void SharedWindow::synchronize() const {
  check_mpi(MPI_Win_sync(window_), "MPI_Win_sync");
  check_mpi(MPI_Barrier(*comm_.comm_), "MPI_Barrier");
  check_mpi(MPI_Win_sync(window_), "MPI_Win_sync");
}

}  // namespace hpsweep
