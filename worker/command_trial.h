// `model.type: command`: a trial that runs a program (docs/command-trials.md has the
// protocol). The program gets its arguments from model.command with the trial's values,
// reports one JSON object per epoch on HPSWEEP_REPORT_FD, and keeps its state in
// HPSWEEP_STATE_DIR/epoch-N, which hpsweep carries in the trial's checkpoint
// (worker/command_state.h); a pause, stop or end ends the program, and a promote, exploit or
// resume starts it again from its state with HPSWEEP_RESUME_EPOCH. Its output is kept in the
// trial's folder, SWEEP/programs/<trial>/.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "common/trial.h"
#include "worker/trainer.h"

namespace hpsweep {

// The folder of a command trial's stdout.log, stderr.log, reports.jsonl and state folders.
std::filesystem::path program_folder(const std::string& out_dir, int64_t trial_id);

// As run_trial (worker/trainer.h), for a command trial, on a group of one; `start.out_dir`
// is the sweep folder.
TrialOutcome run_command_trial(const Trial& trial, const TrialStart& start, TrialObserver& observer,
                               const std::atomic<bool>& stop, TrainingGroup& group);

}  // namespace hpsweep
