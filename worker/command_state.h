// A command trial's own state (a folder of files its program writes) carried in the trial's
// checkpoint, so that pause, promote, PBT's exploit copy, checkpoint.keep and resume treat it
// as they treat a network's weights. Each file is one tensor named "state:" and its path in
// the folder ('%' and '/' written %25 and %2F: HDF5 names cannot hold '/'): two floats holding
// its byte count, then its bytes, four to a float. The bits go through unchanged.
#pragma once

#include <filesystem>
#include <vector>

#include "common/checkpoint_data.h"

namespace hpsweep {

// The files under `folder` (none when it does not exist), in path order. Throws Error naming
// a file it cannot read.
std::vector<NamedTensor> pack_folder(const std::filesystem::path& folder);

// Writes the files of pack_folder's tensors under `folder` (created); tensors not made by
// pack_folder are ignored. Throws Error naming a file it cannot write.
void unpack_folder(const std::vector<NamedTensor>& tensors, const std::filesystem::path& folder);

}  // namespace hpsweep
