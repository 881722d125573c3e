// The coordinator's cost of scheduling: each scheduler drives 100, 1,000 and 10,000 simulated
// trials (27 epochs, 64 workers; PBT: 12 epochs, perturbed every 2) and the time spent inside
// next_trial() and report() is divided by the number of calls. A flat column from 100 to
// 10,000 trials is what keeps the coordinator's share of a sweep constant.
#include <cstdio>
#include <memory>

#include "coordinator/schedulers/asha_scheduler.h"
#include "coordinator/schedulers/fifo_scheduler.h"
#include "coordinator/schedulers/hyperband_scheduler.h"
#include "coordinator/schedulers/median_scheduler.h"
#include "coordinator/schedulers/pbt_scheduler.h"
#include "coordinator/simulated_trials.h"

namespace hpsweep {
namespace {

std::unique_ptr<Scheduler> make(const std::string& name, const SchedulerContext& context) {
  EarlyTerminateSpec et;
  et.max_epochs = et.max_iter = context.max_epochs;
  if (name == "asha") return std::make_unique<AshaScheduler>(context, et);
  if (name == "asha-3-brackets") {
    et.brackets = 3;
    return std::make_unique<AshaScheduler>(context, et);
  }
  if (name == "hyperband") return std::make_unique<HyperbandScheduler>(context, et);
  if (name == "median") return std::make_unique<MedianScheduler>(context, et);
  if (name == "pbt") {
    PbtSpec pbt;
    pbt.population = static_cast<int64_t>(context.configs.size());
    pbt.perturbation_interval = 2;
    pbt.mutations = {{"training.lr", Distribution::log_uniform_values, {}, 1e-3, 1}};
    return std::make_unique<PbtScheduler>(context, pbt);
  }
  return std::make_unique<FifoScheduler>(context);
}

void measure(const std::string& name) {
  std::printf("%-16s", name.c_str());
  for (int64_t trials : {100, 1000, 10000}) {
    SchedulerContext context;
    context.max_epochs = name == "pbt" ? 12 : 27;
    for (int64_t i = 0; i < trials; ++i)
      context.configs.push_back({{"training.lr", 1e-3 * static_cast<double>(i + 1)}});
    std::unique_ptr<Scheduler> scheduler = make(name, context);
    SimulationOptions options;
    options.workers = 64;
    options.curves = hashed_curves(1);
    options.noise = 0.005;
    const SimulationResult r = simulate_sweep(*scheduler, context.configs, options);
    std::printf("  %8.0f ns/call %9lld calls", 1e9 * r.scheduler_seconds / r.scheduler_calls,
                static_cast<long long>(r.scheduler_calls));
  }
  std::printf("\n");
}

}  // namespace
}  // namespace hpsweep

int main() {
  std::printf("%-16s  %28s  %28s  %28s\n", "scheduler", "100 trials", "1,000 trials",
              "10,000 trials");
  for (const char* name : {"fifo", "asha", "asha-3-brackets", "hyperband", "median", "pbt"})
    hpsweep::measure(name);
}
