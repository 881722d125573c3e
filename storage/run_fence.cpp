#include "storage/run_fence.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace hpsweep {
namespace {

std::string fence_path(const std::string& dir) {
  return dir + "/.fence";
}

// DIR/.fence open and flock()ed as `operation` asks, until destroyed. A file system that
// refuses flock() leaves it unlocked: the generation numbers still keep the runs' files apart.
class LockedFence {
 public:
  LockedFence(const std::string& dir, int operation) : path_(fence_path(dir)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(path_ + ": cannot open: " + std::strerror(errno));
    while (::flock(fd_, operation) != 0 && errno == EINTR) {
    }
  }
  ~LockedFence() { ::close(fd_); }
  LockedFence(const LockedFence&) = delete;
  LockedFence& operator=(const LockedFence&) = delete;

  int64_t generation() const {
    char text[32] = {};
    const ssize_t n = ::pread(fd_, text, sizeof text - 1, 0);
    return n > 0 ? std::strtoll(text, nullptr, 10) : 0;
  }

  void set_generation(int64_t generation) const {
    const std::string text = std::to_string(generation) + "\n";
    if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
        ::ftruncate(fd_, static_cast<off_t>(text.size())) != 0)
      throw Error(path_ + ": cannot write: " + std::strerror(errno));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

int64_t advance_run_generation(const std::string& dir, int64_t after) {
  const LockedFence fence(dir, LOCK_EX);
  const int64_t next = std::max(fence.generation(), after) + 1;
  fence.set_generation(next);
  return next;
}

int64_t current_run_generation(const std::string& dir) {
  if (!std::filesystem::exists(fence_path(dir))) return 0;
  return LockedFence(dir, LOCK_SH).generation();
}

void remove_earlier_temporaries(const std::string& folder, int64_t generation) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.rfind(".tmp-g");
    if (at == std::string::npos) continue;
    const std::string digits = name.substr(at + 6);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stoll(digits) < generation) std::filesystem::remove(entry.path(), error);
  }
}

std::string temporary_path(const std::string& path, const RunFence& fence) {
  if (fence.generation == 0) return path + ".tmp";
  return path + ".tmp-g" + std::to_string(fence.generation);
}

void commit_fenced(const RunFence& fence, const std::string& path,
                   const std::function<void()>& rename) {
  if (fence.generation == 0) return rename();
  const LockedFence locked(fence.dir, LOCK_SH);
  const int64_t current = locked.generation();
  if (current != fence.generation)
    throw SupersededError(path + ": not written: run " + std::to_string(fence.generation) + " of " +
                          fence.dir + " is over, run " + std::to_string(current) + " has started");
  rename();
}

}  // namespace hpsweep
