// `model.type: simulated`: a trial that trains nothing. Each epoch sleeps
// simulated.epoch_seconds and reports the next point of a synthetic curve
// (worker/simulated_curve.h) in every curve column; everything else (judging, checkpoints,
// pause, exploit, resume, stop votes) goes the way of a real trial, so the coordinator, the
// worker pools, sweep.h5 and the journal can be measured and tested without the training.
// The checkpoint is tiny: one float parameter `error`, the curve's state, which an exploit
// copies like weights.
#pragma once

#include <atomic>

#include "common/trial.h"
#include "worker/trainer.h"

namespace hpsweep {

// As run_trial (worker/trainer.h), for a simulated trial; needs no data.
TrialOutcome run_simulated_trial(const Trial& trial, const TrialStart& start,
                                 TrialObserver& observer, const std::atomic<bool>& stop,
                                 TrainingGroup& group);

}  // namespace hpsweep
