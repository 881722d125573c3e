// One sweep per output folder at a time. Two coordinators writing one sweep.h5 and journal
// would corrupt both: a sweep resubmitted while its old job still runs (an MPI job outlives
// its mpirun for a while when the launcher is killed), or two users' runs given one --out.
// The lock is flock() on DIR/.lock, so the kernel releases it when the holder dies, however
// it dies; the file holds the holder's host and pid for the error message.
#pragma once

#include <filesystem>

namespace hpsweep {

class FolderLock {
 public:
  FolderLock() = default;
  // Throws UserError naming the folder and the holder when another process holds the lock.
  explicit FolderLock(const std::filesystem::path& dir);
  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&& other) noexcept;
  ~FolderLock();

  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace hpsweep
