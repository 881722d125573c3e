// A program run as a child process of this one: in its own process group (so that ending it
// ends whatever it started, and a terminal's Ctrl-C reaches hpsweep, which decides), with a
// clean signal mask, stdin from /dev/null, stdout and stderr appended to files, and one pipe
// to report on. Safe to start from several threads at once: every descriptor of ours is
// close-on-exec, and the child closes all but its own.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace hpsweep {

struct ChildOptions {
  std::vector<std::string> argv;       // argv[0] is looked up in PATH
  std::vector<std::string> extra_env;  // "NAME=value", over this process's environment
  std::string stdout_path, stderr_path;
  int report_fd = 3;  // the pipe's write end is this descriptor in the child
};

class ChildProcess {
 public:
  // Throws Error ("cannot start 'prog': No such file or directory") when it cannot.
  explicit ChildProcess(const ChildOptions& options);
  // Kills the group and reaps the child if it still runs.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The read end of the report pipe (non-blocking); EOF once every process of the program has
  // closed it.
  int report_fd() const { return read_fd_; }
  // The wait status once the child has exited: waits up to `seconds` for it.
  std::optional<int> wait_for(double seconds);
  // SIGTERM to the group, SIGKILL after `grace` seconds if the child still runs; the wait
  // status.
  int terminate(double grace);

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::optional<int> status_;
};

// "exited with status 3", "was killed by signal 9 (Killed)"
std::string wait_status_text(int status);

}  // namespace hpsweep
