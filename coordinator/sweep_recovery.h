// Resuming a sweep: what an earlier run left in its output folder, read from the sources of
// truth (the checkpoint files and the journal; never sweep.h5, which a kill may have torn), and
// whether the spec still describes that sweep.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

struct TrialRecovery {
  bool finished = false;                      // completed, diverged, or failed with no retries left
  TrialStatus status = TrialStatus::pending;  // finished: the outcome; else pending, paused
                                              // or interrupted
  std::string message;
  int failures = 0;                         // failed attempts recorded in the journal
  int64_t resume_epoch = 0;                 // the checkpoint to continue from; 0: start afresh
  std::vector<EpochMetrics> history;        // the curves up to resume_epoch (or the end)
  int64_t copied_from = -1, copied_at = 0;  // the checkpoint's PBT lineage (CheckpointData's)
};

// One entry per trial, in trial order. Unless `scheduled`, a trial whose checkpoint holds its
// last epoch is finished; a scheduled sweep's scheduler hears that epoch first
// (coordinator/sweep_loop.h), which ends the trial.
std::vector<TrialRecovery> recover_trials(const std::string& out_dir,
                                          const std::vector<Trial>& trials, int64_t max_retries,
                                          bool scheduled);

// How the spec stored with a sweep differs from `current`, in words; nullopt when both
// describe the same sweep (same trials, settings and scheduling).
std::optional<std::string> describe_spec_difference(const SweepSpec& stored,
                                                    const SweepSpec& current);

}  // namespace hpsweep
