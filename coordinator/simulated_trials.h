// A simulated-trial backend: drives a Scheduler as a sweep would, with synthetic learning
// curves (worker/simulated_curve.h) instead of training, on `workers` parallel workers in
// event-driven simulated time (no sleeping).
#pragma once

#include <vector>

#include "common/trial.h"
#include "coordinator/schedulers/scheduler.h"
#include "worker/simulated_curve.h"

namespace hpsweep {

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
