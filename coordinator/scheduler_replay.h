// Resuming a scheduled sweep: the journal's scheduler calls, replayed in order on a new
// scheduler, rebuild its rungs, barriers, paused trials and waiting exploit copies exactly
// (decisions are a function of the order of calls, docs/schedulers.md), and what it heard of
// and decided about each trial.
#pragma once

#include <vector>

#include "coordinator/exploit_copies.h"
#include "coordinator/schedulers/scheduler.h"
#include "coordinator/trial_state.h"
#include "storage/journal.h"

namespace hpsweep {

// Per trial, whether the scheduler still has it running (on a worker when the sweep stopped).
// Throws Error when the calls do not replay (the journal of another sweep).
std::vector<bool> replay_scheduler_calls(const std::vector<SchedulerCall>& calls,
                                         Scheduler& scheduler, std::vector<TrialState>& trials,
                                         ExploitCopies& copies);

}  // namespace hpsweep
