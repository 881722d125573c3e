// Runs a shell command for tests that drive the hpsweep binary as a user would.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace hpsweep::testing {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr, interleaved
};

CommandResult run_shell(const std::string& command);

// Starts argv (searched on PATH) with `environment`, as the leader of a process group of its
// own, so that kill(-pid, ...) reaches it and all it starts; its stdout and stderr go to
// /dev/null. Returns its pid, or -1 when it could not start.
pid_t spawn_quiet_group(std::vector<std::string> argv, std::vector<std::string> environment);

// This process's environment, without the variables whose names are in `without`.
std::vector<std::string> environment_without(const std::vector<std::string>& without);

}  // namespace hpsweep::testing
