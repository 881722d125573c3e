#include "coordinator/schedulers/make_scheduler.h"

#include <algorithm>

#include "coordinator/schedulers/asha_scheduler.h"
#include "coordinator/schedulers/fifo_scheduler.h"
#include "coordinator/schedulers/hyperband_scheduler.h"
#include "coordinator/schedulers/median_scheduler.h"
#include "coordinator/schedulers/pbt_scheduler.h"

namespace hpsweep {
namespace {

// PBT explores every mutated parameter, swept or not: the unswept start at the base value.
std::vector<SweptValue> with_mutations(const Trial& trial, const PbtSpec& pbt) {
  std::vector<SweptValue> values = trial.swept;
  for (const ParameterSpec& m : pbt.mutations)
    if (std::none_of(values.begin(), values.end(),
                     [&](const SweptValue& v) { return v.path == m.path; }))
      values.push_back({m.path, find_config_field(m.path)->get(trial.config)});
  return values;
}

}  // namespace

bool schedules_trials(const SweepSpec& spec) {
  return spec.method == SearchMethod::pbt || spec.early_terminate.kind != EarlyTerminateKind::none;
}

std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, const std::vector<Trial>& trials) {
  SchedulerContext context;
  context.minimize = spec.metric.minimize;
  context.seed = spec.seed;
  context.max_epochs = 1;
  for (const Trial& trial : trials) {
    context.configs.push_back(spec.method == SearchMethod::pbt ? with_mutations(trial, spec.pbt)
                                                               : trial.swept);
    context.max_epochs = std::max(context.max_epochs, trial.config.training.epochs);
  }
  const EarlyTerminateSpec& et = spec.early_terminate;
  if (spec.method == SearchMethod::pbt)
    return std::make_unique<PbtScheduler>(std::move(context), spec.pbt);
  switch (et.kind) {
    case EarlyTerminateKind::asha:
      context.max_epochs = et.max_epochs;
      return std::make_unique<AshaScheduler>(std::move(context), et);
    case EarlyTerminateKind::hyperband:
      context.max_epochs = et.max_iter;
      return std::make_unique<HyperbandScheduler>(std::move(context), et);
    case EarlyTerminateKind::median:
      return std::make_unique<MedianScheduler>(std::move(context), et);
    case EarlyTerminateKind::none:
      break;
  }
  return std::make_unique<FifoScheduler>(std::move(context));
}

}  // namespace hpsweep
