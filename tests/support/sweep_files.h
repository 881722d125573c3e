// A dev-mode sweep run to its end and read back from its sweep.h5, and the text of the files it
// leaves (a program's output, a report), for tests that check what a sweep wrote.
#pragma once

#include <filesystem>
#include <string>

#include "storage/sweep_file.h"

namespace hpsweep::testing {

// run_local_sweep of the spec `yaml` (read as file `source`) into `out` with `workers` threads;
// its log is dropped.
SweepRecord run_and_read(const std::string& yaml, const std::string& source, const std::string& out,
                         int workers);

// The whole text of a file; empty when it cannot be read.
std::string file_text(const std::filesystem::path& path);

}  // namespace hpsweep::testing
