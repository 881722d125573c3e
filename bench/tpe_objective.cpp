// The program of bench/tpe_vs_optuna.py's command trials (docs/command-trials.md): one epoch
// that reports an analytic objective as test_loss.
//
//   tpe_objective OBJECTIVE NAME=VALUE...   (run by hpsweep: needs HPSWEEP_REPORT_FD)
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "bench/tpe_objective_functions.h"

int main(int argc, char** argv) {
  const char* fd = std::getenv("HPSWEEP_REPORT_FD");
  if (argc < 2 || !fd) {
    std::fprintf(stderr, "usage: tpe_objective OBJECTIVE NAME=VALUE... (as a command trial)\n");
    return 2;
  }
  std::map<std::string, std::string> values;
  for (int i = 2; i < argc; ++i) {
    const std::string pair = argv[i];
    const size_t equals = pair.find('=');
    if (equals == std::string::npos) {
      std::fprintf(stderr, "expected NAME=VALUE, got '%s'\n", argv[i]);
      return 2;
    }
    values[pair.substr(0, equals)] = pair.substr(equals + 1);
  }
  const double value = hpsweep::objective_value(
      argv[1], [&](const std::string& name) { return values.at(name); });
  FILE* report = fdopen(std::atoi(fd), "w");
  std::fprintf(report, "{\"epoch\": 1, \"test_loss\": %.17g}\n", value);
  return std::fclose(report) == 0 ? 0 : 1;
}
