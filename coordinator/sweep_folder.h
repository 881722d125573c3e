// The output folder of a sweep. A new folder gets the spec (DIR/spec.yaml) beside the results;
// a folder that already holds the same sweep is resumed; one that holds another sweep is
// refused with what differs, unless --restart moves it aside first.
#pragma once

#include <filesystem>
#include <string>

#include "common/spec.h"

namespace hpsweep {

struct SweepFolder {
  std::filesystem::path dir;
  bool resumed = false;
  std::string moved_aside;  // where --restart moved the old results, if it did
};

// Throws UserError when DIR holds another sweep or cannot be written.
SweepFolder open_sweep_folder(const SweepSpec& spec, const std::string& out_dir, bool restart);

}  // namespace hpsweep
