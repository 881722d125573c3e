// checkpoints/<id>.h5: a trial's parameters in PyTorch's names and layouts (/params/<name>,
// with /params_order listing them in forward order), its best-by-metric parameters under
// /best, optimizer state under /optimizer and RNG state under /rng (docs/hdf5-schema.md).
#pragma once

#include <string>

#include "common/checkpoint_data.h"

namespace hpsweep {

// Written to a temporary file, then renamed: an earlier checkpoint survives any crash.
void write_checkpoint_file(const std::string& path, const CheckpointData& checkpoint);

// Throws UserError naming the file when it is missing, unreadable or not a checkpoint.
CheckpointData read_checkpoint_file(const std::string& path);

}  // namespace hpsweep
