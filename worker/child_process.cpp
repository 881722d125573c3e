#include "worker/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "common/error.h"

extern char** environ;

namespace hpsweep {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// This process's environment with `extra` set over it, as "NAME=value" texts.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> by_name;
  const auto add = [&](const std::string& entry) {
    by_name[entry.substr(0, entry.find('='))] = entry;
  };
  for (char** e = environ; *e; ++e) add(*e);
  for (const std::string& entry : extra) add(entry);
  std::vector<std::string> env;
  for (auto& [name, entry] : by_name) env.push_back(std::move(entry));
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& texts) {
  std::vector<char*> p;
  for (std::string& t : texts) p.push_back(t.data());
  p.push_back(nullptr);
  return p;
}

// Owns the posix_spawn attribute and file-action objects.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

}  // namespace

ChildProcess::ChildProcess(const ChildOptions& options) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) throw Error("cannot make a pipe: " + errno_text(errno));
  read_fd_ = ends[0];
  // Above report_fd, so that the child's dup2 is never onto itself (which would keep
  // close-on-exec set).
  const int write_fd = fcntl(ends[1], F_DUPFD_CLOEXEC, options.report_fd + 1);
  const int dup_error = errno;
  close(ends[1]);
  if (write_fd < 0) {
    close(read_fd_);
    throw Error("cannot make a pipe: " + errno_text(dup_error));
  }
  fcntl(read_fd_, F_SETFL, O_NONBLOCK);

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, options.stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&setup.actions, 2, options.stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&setup.actions, write_fd, options.report_fd);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, options.report_fd + 1);
  // hpsweep's threads may block or handle signals; the program starts with the defaults.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2})
    sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setpgroup(&setup.attributes, 0);
  posix_spawnattr_setflags(&setup.attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = child_environment(options.extra_env);
  const int error = posix_spawnp(&pid_, argv.at(0).c_str(), &setup.actions, &setup.attributes,
                                 pointers(argv).data(), pointers(env).data());
  close(write_fd);  // the child's copy is the only one: EOF when the program is done with it
  if (error != 0) {
    close(read_fd_);
    throw Error("cannot start '" + argv[0] + "': " + errno_text(error));
  }
}

ChildProcess::~ChildProcess() {
  if (!status_) terminate(0);
  close(read_fd_);
}

std::optional<int> ChildProcess::wait_for(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!status_) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) {
      status_ = status;
      break;
    }
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

int ChildProcess::terminate(double grace) {
  if (status_) return *status_;
  // The whole group: a shell script's children too.
  kill(-pid_, SIGTERM);
  if (auto status = wait_for(grace)) {
    kill(-pid_, SIGKILL);  // what the program left behind
    return *status;
  }
  kill(-pid_, SIGKILL);
  return *wait_for(1e9);
}

std::string wait_status_text(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           sigdescr_np(WTERMSIG(status)) + ")";
  return "ended with wait status " + std::to_string(status);
}

}  // namespace hpsweep
