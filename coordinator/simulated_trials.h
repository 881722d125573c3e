// A simulated-trial backend: drives a Scheduler as a sweep would, with synthetic learning
// curves instead of training, on `workers` parallel workers in event-driven simulated time (no
// sleeping). A trial's error follows e(t) = floor + (e(t-1) - floor) * exp(-rate) from
// e(0) = start, so with fixed hyperparameters e(t) = floor + (start - floor) exp(-rate t);
// after an exploit it continues from the source's error with its new values' floor and rate.
#pragma once

#include <functional>
#include <vector>

#include "common/trial.h"
#include "coordinator/schedulers/scheduler.h"

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

struct SimulationOptions {
  int workers = 4;
  CurveModel curves;
  double noise = 0;  // standard deviation of a per-(trial, epoch) error added to each report
  uint64_t seed = 0;
};

struct SimulationResult {
  int64_t epochs_trained = 0;    // over all workers
  double makespan = 0;           // simulated time; an epoch takes 0.75 to 1.25 units
  int64_t scheduler_calls = 0;   // next_trial and report calls
  double scheduler_seconds = 0;  // wall time inside those calls
  int64_t best_trial = -1;       // the lowest error reported at any epoch
  double best_error = 0;
  std::vector<std::vector<double>> curves;  // per trial: the reported error of each epoch
};

// Runs the sweep to the end. `configs` are the trials' initial values, as in the scheduler's
// context; the metric is an error (minimized).
SimulationResult simulate_sweep(Scheduler& scheduler,
                                const std::vector<std::vector<SweptValue>>& configs,
                                const SimulationOptions& options);

}  // namespace hpsweep
