#include "worker/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
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

// Tells hpsweep why the child could not become the program, and ends it.
[[noreturn]] void give_up(int error_fd) {
  const int error = errno;
  (void)!write(error_fd, &error, sizeof error);
  _exit(127);
}

// What the child does between fork and exec; it writes errno to `error_fd` and exits if any
// step fails. Only async-signal-safe calls: other threads of hpsweep may have held locks (malloc's)
// at the fork, so everything it uses was made before.
[[noreturn]] void become_program(pid_t parent, const ChildOptions& options, int write_fd,
                                 int error_fd, char* const* argv, char* const* envp) {
  setpgid(0, 0);
  // Killed with hpsweep, even by SIGKILL: a hung program would otherwise outlive it. The check
  // after covers a parent that died before the request.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) give_up(error_fd);
  if (getppid() != parent) _exit(127);
  // hpsweep's threads may block or handle signals; the program starts with the defaults.
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, nullptr) != 0) give_up(error_fd);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2})
    sigaction(s, &default_action, nullptr);
  const auto open_as = [&](int fd, const char* path, int flags) {
    const int opened = open(path, flags, 0644);
    if (opened < 0) give_up(error_fd);
    if (opened == fd) return;
    if (dup2(opened, fd) < 0) give_up(error_fd);
    close(opened);
  };
  open_as(0, "/dev/null", O_RDONLY);
  open_as(1, options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND);
  open_as(2, options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND);
  if (dup2(write_fd, options.report_fd) < 0) give_up(error_fd);
  // Everything else goes, error_fd at exec (close-on-exec), where it tells hpsweep it worked.
  if (error_fd > options.report_fd + 1)
    close_range(static_cast<unsigned>(options.report_fd) + 1, static_cast<unsigned>(error_fd) - 1,
                0);
  close_range(static_cast<unsigned>(error_fd) + 1, ~0u, 0);
  execvpe(argv[0], argv, envp);
  give_up(error_fd);
}

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

  // fork and exec by hand, not posix_spawn: only a child of our own can ask to be killed with
  // hpsweep (become_program). Exec's success closes error_ends[1]; its failure sends errno.
  int error_ends[2];
  if (pipe2(error_ends, O_CLOEXEC) != 0) {
    const int error = errno;
    close(read_fd_);
    close(write_fd);
    throw Error("cannot make a pipe: " + errno_text(error));
  }
  // Its write end also above report_fd, which the child's dup2 takes.
  if (error_ends[1] <= options.report_fd) {
    const int moved = fcntl(error_ends[1], F_DUPFD_CLOEXEC, options.report_fd + 1);
    close(error_ends[1]);
    error_ends[1] = moved;
  }
  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = child_environment(options.extra_env);
  const std::vector<char*> argv_pointers = pointers(argv), env_pointers = pointers(env);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0)
    become_program(parent, options, write_fd, error_ends[1], argv_pointers.data(),
                   env_pointers.data());
  const int fork_error = errno;
  close(error_ends[1]);
  close(write_fd);  // the child's copy is the only one: EOF when the program is done with it
  int exec_error = pid_ < 0 ? fork_error : 0;
  if (pid_ > 0) {
    while (read(error_ends[0], &exec_error, sizeof exec_error) < 0 && errno == EINTR) {
    }
    if (exec_error != 0) waitpid(pid_, nullptr, 0);
  }
  close(error_ends[0]);
  if (exec_error != 0) {
    close(read_fd_);
    throw Error("cannot start '" + argv[0] + "': " + errno_text(exec_error));
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
