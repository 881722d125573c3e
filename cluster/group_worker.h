// Cluster mode's worker ranks. The group leader waits for the coordinator's next trial and
// tells its group; every rank of the group trains it on its share of each minibatch; the
// leader writes the trial's checkpoint after every epoch and reports epochs and the outcome
// to the coordinator. Returns when the coordinator says there are no more trials.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "cluster/communicator.h"
#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

// An error that leaves this rank out of step with its group (one rank of several failing
// mid-trial) goes to `fail`, which must not return (cluster/job_watch.h ends the job): unwinding
// would run collective destructors that the group's peers never join.
void serve_trials(const std::vector<Trial>& trials, const std::string& out_dir, ReducerKind reducer,
                  const Communicator& world, const Communicator& group,
                  const std::atomic<bool>& stop,
                  const std::function<void(const std::string&)>& fail);

}  // namespace hpsweep
