#include "analysis/scheduler_tables.h"

#include <algorithm>
#include <map>
#include <string>

#include "common/trial.h"

namespace hpsweep {
namespace {

const ScheduleRow* schedule_at(const SweepRecord& sweep, int64_t trial, int64_t epoch) {
  const auto t = std::find_if(sweep.trials.begin(), sweep.trials.end(),
                              [&](const TrialRecord& r) { return r.id == trial; });
  if (t == sweep.trials.end()) return nullptr;
  const auto row = std::find_if(t->schedule.begin(), t->schedule.end(),
                                [&](const ScheduleRow& r) { return r.epoch == epoch; });
  return row == t->schedule.end() ? nullptr : &*row;
}

struct Segment {
  int64_t first = 0, last = 0, trial = 0;
  std::string hyperparameters;
  int64_t source = -1;  // the schedule's source_trial of the first epoch
};

}  // namespace

Table decision_counts(const SweepRecord& sweep) {
  std::map<std::string, int64_t> counts;
  for (const DecisionRow& d : sweep.decisions) ++counts[d.kind];
  Table table;
  table.header = {"kind", "count"};
  for (const char* kind : {"start", "promote", "resume", "exploit", "pause", "stop", "complete"})
    if (counts.count(kind)) table.rows.push_back({kind, std::to_string(counts[kind])});
  return table;
}

Table lineage_table(const SweepRecord& sweep, int64_t trial) {
  std::vector<Segment> segments;  // last epochs first
  int64_t epoch = 0;
  for (const TrialRecord& t : sweep.trials)
    if (t.id == trial && !t.schedule.empty()) epoch = t.schedule.back().epoch;
  // Back from the last epoch: an epoch that started from another trial's weights continues the
  // walk in that trial's schedule, at the epoch before.
  for (int64_t at = trial; epoch >= 1; --epoch) {
    const ScheduleRow* row = schedule_at(sweep, at, epoch);
    if (!row) break;  // a file still being written
    if (segments.empty() || segments.back().trial != at ||
        segments.back().hyperparameters != row->hyperparameters)
      segments.push_back({epoch, epoch, at, row->hyperparameters});
    segments.back().first = epoch;
    segments.back().source = row->source_trial;
    if (row->source_trial >= 0) at = row->source_trial;
  }
  Table table;
  table.header = {"epochs", "trained_by", "hyperparameters", "started_from"};
  for (auto s = segments.rbegin(); s != segments.rend(); ++s) {
    const std::string epochs = s->first == s->last
                                   ? std::to_string(s->first)
                                   : std::to_string(s->first) + "-" + std::to_string(s->last);
    const std::string from =
        s->source < 0 ? "initialization"
                      : trial_name(s->source) + " after epoch " + std::to_string(s->first - 1);
    table.rows.push_back({epochs, trial_name(s->trial), s->hyperparameters, from});
  }
  return table;
}

}  // namespace hpsweep
