// Runs a shell command for tests that drive the hpsweep binary as a user would.
#pragma once

#include <string>

namespace hpsweep::testing {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr, interleaved
};

CommandResult run_shell(const std::string& command);

}  // namespace hpsweep::testing
