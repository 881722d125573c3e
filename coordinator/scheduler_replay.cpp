#include "coordinator/scheduler_replay.h"

#include <string>

#include "common/error.h"

namespace hpsweep {

std::vector<bool> replay_scheduler_calls(const std::vector<SchedulerCall>& calls,
                                         Scheduler& scheduler, std::vector<TrialState>& trials,
                                         ExploitCopies& copies) {
  std::vector<bool> active(trials.size());
  for (const SchedulerCall& c : calls) {
    const int64_t id = c.trial;
    TrialState& trial = trials[id];
    switch (c.kind) {
      case SchedulerCall::Kind::next: {
        const std::optional<TrialRun> run = scheduler.next_trial();
        if (!run || run->trial != id)
          throw Error("journal.log: the scheduler does not replay: trial " + std::to_string(id) +
                      " ran next in the journal; run the sweep again with --restart");
        if (scheduler.sets_values(*run)) trial.explored = run->hyperparameters;
        trial.verdict.reset();
        trial.launched_from = run->from_epoch;
        active[id] = true;
        break;
      }
      case SchedulerCall::Kind::report:
        active[id] =
            hear_epoch(scheduler, id, trial, c.epoch, c.value).kind == VerdictKind::proceed;
        break;
      case SchedulerCall::Kind::ended:
        scheduler.trial_ended(id);
        active[id] = false;
        break;
      case SchedulerCall::Kind::copied:
        copies.forget({c.source, id, c.epoch});
        break;
    }
    for (const CheckpointCopy& copy : scheduler.take_copies()) copies.add(copy);
  }
  return active;
}

}  // namespace hpsweep
