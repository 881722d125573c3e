// The output folder of a sweep. A new folder gets the spec (DIR/spec.yaml) beside the results;
// a folder that already holds the same sweep is resumed; one that holds another sweep is
// refused with what differs, unless --restart moves it aside first. The folder stays locked
// while the SweepFolder lives (coordinator/folder_lock.h).
#pragma once

#include <filesystem>
#include <string>

#include "common/spec.h"
#include "coordinator/folder_lock.h"

namespace hpsweep {

struct SweepFolder {
  std::filesystem::path dir;
  bool resumed = false;
  std::string moved_aside;  // where --restart moved the old results, if it did
  FolderLock lock;
  int64_t run_generation = 0;  // this run's (storage/run_fence.h), taken with the lock
};

// Throws UserError when DIR holds another sweep, another run is using it, or it cannot be
// written.
SweepFolder open_sweep_folder(const SweepSpec& spec, const std::string& out_dir, bool restart);

}  // namespace hpsweep
