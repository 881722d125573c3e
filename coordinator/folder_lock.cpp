#include "coordinator/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

#include "common/error.h"

namespace hpsweep {
namespace {

std::string read_holder(int fd) {
  char text[256] = {};
  const ssize_t n = pread(fd, text, sizeof text - 1, 0);
  return n > 0 ? std::string(text, n) : std::string("unknown");
}

void write_holder(int fd) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  const std::string text = std::string(host) + " pid " + std::to_string(getpid());
  if (ftruncate(fd, 0) == 0 && pwrite(fd, text.data(), text.size(), 0) < 0) {
    // The holder's name only makes another run's error message clearer: not worth failing.
  }
}

}  // namespace

FolderLock::FolderLock(const std::filesystem::path& dir) {
  const std::string path = (dir / ".lock").string();
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw UserError(path + ": cannot create the lock file");
  if (flock(fd_, LOCK_EX | LOCK_NB) == 0) {
    write_holder(fd_);
    return;
  }
  const int error = errno;
  if (error == EWOULDBLOCK) {
    const std::string holder = read_holder(fd_);
    close(fd_);
    fd_ = -1;
    throw UserError(dir.string() + ": another hpsweep run is using this folder (" + holder +
                    "); wait for it to end or stop it, then run again");
  }
  // Some parallel file systems refuse flock() unless mounted with it (Lustre without
  // -o flock, old NFS): run unlocked there, as any tool without a lock would, and say so.
  std::cerr << "hpsweep: warning: " + path + ": the file system refuses flock (" +
                   std::strerror(error) +
                   "): nothing stops a second run from using this folder at the same time\n";
}

FolderLock::FolderLock(FolderLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace hpsweep
