// The subcommands of the `hpsweep` executable. Each parses its own options and returns the
// process exit code (common/exit_codes.h).
#pragma once

#include <string>
#include <vector>

#include "common/exit_codes.h"

namespace hpsweep {

int run_command(const std::vector<std::string>& args);
int analyze_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int describe_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int corpus_command(const std::vector<std::string>& args);
int dataset_command(const std::vector<std::string>& args);
int sample_command(const std::vector<std::string>& args);

}  // namespace hpsweep
