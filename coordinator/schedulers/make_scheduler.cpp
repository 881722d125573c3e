#include "coordinator/schedulers/make_scheduler.h"

#include <algorithm>

#include "coordinator/schedulers/asha_scheduler.h"
#include "coordinator/schedulers/fifo_scheduler.h"
#include "coordinator/schedulers/hyperband_scheduler.h"
#include "coordinator/schedulers/median_scheduler.h"
#include "coordinator/schedulers/pbt_scheduler.h"
#include "coordinator/tpe/tpe_search.h"

namespace hpsweep {
namespace {

// The values PBT tracks for a trial, from its configuration: every swept parameter, also a
// conditional one the trial lacks, so that an exploit sets every swept field to the source's
// and the copied weights fit the configuration they train with; width and depth with a swept
// model type, as they default by type; then every mutated parameter (the unswept start at the
// base value).
std::vector<SweptValue> with_mutations(const Trial& trial, const SweepSpec& spec) {
  std::vector<SweptValue> values;
  auto add = [&](const std::string& path) {
    if (std::none_of(values.begin(), values.end(),
                     [&](const SweptValue& v) { return v.path == path; }))
      values.push_back({path, find_config_field(path)->get(trial.config)});
  };
  for (const ParameterSpec& p : spec.parameters) {
    add(p.path);
    if (p.path == "model.type") {
      add("model.width");
      add("model.depth");
    }
  }
  for (const ParameterSpec& m : spec.pbt.mutations) add(m.path);
  return values;
}

// The scheduler of the spec's early termination (or PBT, or in-order running).
std::unique_ptr<Scheduler> make_trial_scheduler(const SweepSpec& spec,
                                                const std::vector<Trial>& trials) {
  SchedulerContext context;
  context.minimize = spec.metric.minimize;
  context.seed = spec.seed;
  context.max_epochs = 1;
  for (const Trial& trial : trials) {
    context.configs.push_back(spec.method == SearchMethod::pbt ? with_mutations(trial, spec)
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

}  // namespace

bool schedules_trials(const SweepSpec& spec) {
  return spec.method == SearchMethod::pbt || spec.method == SearchMethod::bayes ||
         spec.early_terminate.kind != EarlyTerminateKind::none;
}

std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, const std::vector<Trial>& trials) {
  std::unique_ptr<Scheduler> scheduler = make_trial_scheduler(spec, trials);
  if (spec.method == SearchMethod::bayes)
    scheduler->suggest_with(std::make_unique<TpeSearch>(spec));
  return scheduler;
}

}  // namespace hpsweep
