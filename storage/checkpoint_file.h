// checkpoints/<id>.h5: a trial's parameters in PyTorch's names and layouts (/params/<name>,
// with /params_order listing them in forward order), its best-by-metric parameters under
// /best, optimizer state under /optimizer and RNG state under /rng (docs/hdf5-schema.md).
#pragma once

#include <cstdint>
#include <string>

#include "common/checkpoint_data.h"
#include "storage/run_fence.h"

namespace hpsweep {

// DIR/checkpoints/<id>.h5, where a sweep in DIR keeps trial <id>'s checkpoint.
std::string checkpoint_path(const std::string& out_dir, int64_t trial_id);

// Written to a temporary file, then renamed: an earlier checkpoint survives any crash.
void write_checkpoint_file(const std::string& path, const CheckpointData& checkpoint,
                           const RunFence& fence = {});

// Throws UserError naming the file when it is missing, unreadable or not a checkpoint, or
// holds no last state (its trial finished under `checkpoint.keep: best` or `none`). A file
// kept under `checkpoint.keep: last` reads with has_best false and no best_params.
CheckpointData read_checkpoint_file(const std::string& path);

// Whatever the checkpoint holds, full or reduced by `checkpoint.keep` (has_last, has_best).
CheckpointData read_checkpoint_parts(const std::string& path);

// The checkpoint a trial resumes from: DIR/checkpoints/<id>.h5, which must hold `epoch` and
// the last state (a trial that may still go on always has it; /best too, unless its
// checkpoint.keep is last or none, which never write /best).
CheckpointData read_resume_checkpoint(const std::string& out_dir, int64_t trial_id, int64_t epoch);

// Only the epoch and the curves: what resuming a sweep needs to know of every trial.
struct CheckpointProgress {
  int64_t trial_id = 0;
  int64_t epoch = 0;
  std::vector<EpochMetrics> history;
  std::string keep = "both";                // what the file holds, as a `checkpoint.keep` value
  int64_t copied_from = -1, copied_at = 0;  // as CheckpointData's
};
CheckpointProgress read_checkpoint_progress(const std::string& path);

// Checkpoint retention (`checkpoint.keep`, docs/spec.md). A trial that may still go on
// (running, paused, interrupted, failed) keeps its whole checkpoint (without /best under
// `last` and `none`, which never write it); once it has ended for good (completed, stopped,
// diverged) the coordinator calls this, which rewrites the file atomically with only what
// `keep` retains: `last` the last state (parameters, optimizer, RNG), `best` /best, `none`
// neither; the root attributes and curves always stay (a resumed sweep rebuilds sweep.h5 from
// them), and the root attribute `keep` names what is left. `both`, a missing file, or one
// that holds no more than `keep` retains: nothing is done. Returns whether the file was
// rewritten. Idempotent, so a kill at any moment is repaired by calling it again.
bool retain_checkpoint(const std::string& path, const std::string& keep);

// The `checkpoint.keep` value that names what a checkpoint with or without these parts holds.
const char* kept_name(bool last, bool best);

}  // namespace hpsweep
