#include "support/sweep_files.h"

#include <atomic>
#include <fstream>
#include <sstream>

#include "common/spec.h"
#include "coordinator/sweep_runner.h"

namespace hpsweep::testing {

SweepRecord run_and_read(const std::string& yaml, const std::string& source, const std::string& out,
                         int workers) {
  std::ostringstream log;
  std::atomic<bool> stop{false};
  run_local_sweep(parse_spec(yaml, source), RunOptions{out, workers, false}, stop, log);
  return read_sweep_file(out + "/sweep.h5");
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace hpsweep::testing
