// A PBT trial's hyperparameter schedule, one row per epoch (sweep.h5's /trials/<id>/schedule),
// derived from the scheduler's decisions: an epoch trains with the values of the trial's last
// `start` or `exploit` before it, and starts from the exploit source's weights when it is the
// first epoch after that exploit. Decisions replay identically on resume, so do the rows.
#pragma once

#include <vector>

#include "coordinator/schedulers/scheduler.h"
#include "storage/sweep_file.h"

namespace hpsweep {

// The row of `epoch` (1-based) of `trial`, which the decisions must already have started.
// `starts` indexes the trial's own `start` and `exploit` decisions in `decisions`, in order, so
// a row costs a look at the trial's last few decisions, not at the whole sweep's.
ScheduleRow schedule_row(const std::vector<Decision>& decisions, const std::vector<size_t>& starts,
                         int64_t trial, int64_t epoch);

}  // namespace hpsweep
