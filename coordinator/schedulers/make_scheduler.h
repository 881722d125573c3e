// The scheduler a spec asks for: PBT for `method: pbt`, else by `early_terminate.type`, else
// every trial to the end in id order.
#pragma once

#include <memory>

#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/schedulers/scheduler.h"

namespace hpsweep {

// Whether the spec asks for early termination or PBT, rather than every trial to the end.
bool schedules_trials(const SweepSpec& spec);

// `trials` as expand_trials(spec) made them.
std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, const std::vector<Trial>& trials);

}  // namespace hpsweep
