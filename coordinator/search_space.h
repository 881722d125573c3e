// Expands a spec's search space into the sweep's trials: the grid's cartesian product (first
// parameter slowest) or run_cap random draws; for method bayes, run_cap trials with only the
// fixed values, whose swept values are suggested as each starts (coordinator/tpe/tpe_search.h). A
// conditional parameter (`when:`) is chosen after the parameters it names and only where its
// conditions hold; elsewhere the trial has no value for it. Each configuration then becomes
// `repeats` trials per fold of dataset.kfold (configuration-major: its folds, and each fold's
// repeats, get consecutive ids). Each trial's seed is a hash of the sweep seed and the trial's
// index, so adding trials never changes the seeds of earlier ones; a trial with training.seed N >=
// 0 (fixed or swept) has a hash of the sweep seed and N instead, so configurations that sweep it
// share their seeds.
#pragma once

#include <vector>

#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

std::vector<Trial> expand_trials(const SweepSpec& spec);

uint64_t trial_seed(uint64_t sweep_seed, int64_t trial_index);

// Trial `id` of the sweep with the swept values `chosen` (any order; absent conditional
// parameters left out), as expand_trials makes it.
Trial make_trial(const SweepSpec& spec, int64_t id, const std::vector<SweptValue>& chosen);

}  // namespace hpsweep
