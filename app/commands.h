// The subcommands of the `hpsweep` executable. Each parses its own options and returns the
// process exit code: 0 success, 1 internal or I/O failure, 2 bad input, 130 interrupted.
#pragma once

#include <string>
#include <vector>

namespace hpsweep {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;

int run_command(const std::vector<std::string>& args);
int analyze_command(const std::vector<std::string>& args);

}  // namespace hpsweep
