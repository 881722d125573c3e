// The scheduler a spec asks for: PBT for `method: pbt`, else by `early_terminate.type`, else
// every trial to the end in id order; for `method: bayes`, its trials start with values TPE
// suggests (coordinator/tpe/tpe_search.h).
#pragma once

#include <memory>

#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

// Whether the spec asks for early termination, PBT or suggested values, rather than every
// trial to the end with its own: the scheduler's calls are then journaled and replayed.
bool schedules_trials(const SweepSpec& spec);

// `trials` as expand_trials(spec) made them.
std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, const std::vector<Trial>& trials);

}  // namespace hpsweep
