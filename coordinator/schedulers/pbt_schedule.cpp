#include "coordinator/schedulers/pbt_schedule.h"

#include "common/error.h"

namespace hpsweep {

ScheduleRow schedule_row(const std::vector<Decision>& decisions, const std::vector<size_t>& starts,
                         int64_t trial, int64_t epoch) {
  const Decision* last = nullptr;
  for (auto i = starts.rbegin(); i != starts.rend() && !last; ++i)
    if (decisions[*i].epoch < epoch) last = &decisions[*i];
  if (!last)
    throw Error("scheduler: trial " + std::to_string(trial) + " trained epoch " +
                std::to_string(epoch) + " without being started");
  const bool after_exploit = last->kind == DecisionKind::exploit && last->epoch == epoch - 1;
  return {epoch,
          after_exploit ? last->source_trial
          : epoch == 1  ? -1
                        : trial,
          last->hyperparameters};
}

}  // namespace hpsweep
