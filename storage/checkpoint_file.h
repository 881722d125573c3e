// checkpoints/<id>.h5: a trial's parameters in PyTorch's names and layouts (/params/<name>,
// with /params_order listing them in forward order), its best-by-metric parameters under
// /best, optimizer state under /optimizer and RNG state under /rng (docs/hdf5-schema.md).
#pragma once

#include <cstdint>
#include <string>

#include "common/checkpoint_data.h"

namespace hpsweep {

// DIR/checkpoints/<id>.h5, where a sweep in DIR keeps trial <id>'s checkpoint.
std::string checkpoint_path(const std::string& out_dir, int64_t trial_id);

// Written to a temporary file, then renamed: an earlier checkpoint survives any crash.
void write_checkpoint_file(const std::string& path, const CheckpointData& checkpoint);

// Throws UserError naming the file when it is missing, unreadable or not a checkpoint.
CheckpointData read_checkpoint_file(const std::string& path);

// The checkpoint a trial resumes from: DIR/checkpoints/<id>.h5, which must hold `epoch`.
CheckpointData read_resume_checkpoint(const std::string& out_dir, int64_t trial_id, int64_t epoch);

// Only the epoch and the curves: what resuming a sweep needs to know of every trial.
struct CheckpointProgress {
  int64_t epoch = 0;
  std::vector<EpochMetrics> history;
};
CheckpointProgress read_checkpoint_progress(const std::string& path);

}  // namespace hpsweep
