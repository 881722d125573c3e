// The synthetic learning curves of simulated trials, shared by the scheduler simulation
// (coordinator/simulated_trials.h) and `model.type: simulated` trials run by real workers
// (worker/simulated_trial.h), so that both produce the same numbers. A trial's error follows
// e(t) = floor + (e(t-1) - floor) * exp(-rate) from e(0) = start; with fixed hyperparameters
// e(t) = floor + (start - floor) exp(-rate t), and after a PBT exploit it continues from the
// source's error with its new values' floor and rate.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/trial.h"

namespace hpsweep {

struct CurveShape {
  double start = 0.9;  // the error of an untrained 10-class classifier
  double floor = 0.1;
  double rate = 0.3;
};

using CurveModel = std::function<CurveShape(const std::vector<SweptValue>&)>;

// floor in [0.08, 0.38) and rate in [0.05, 0.65) from a hash of the values and the seed;
// trials with a low floor tend to learn faster, as real ones do.
CurveModel hashed_curves(uint64_t seed);

// The error one epoch after `previous`, rounded to float: a simulated trial's checkpoint
// keeps it as its one float parameter, so a paused, exploited or resumed trial continues
// bitwise as if it had not stopped.
double next_error(const CurveShape& shape, double previous);

}  // namespace hpsweep
