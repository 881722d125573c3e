// What chooses a trial's swept values as it starts, from the results so far (method bayes:
// coordinator/tpe/tpe_search.h). The scheduler tells it every score it hears and every trial
// that ended on its own, so a suggestion is a function of the sweep's seed and the order of
// the scheduler's calls, which the journal keeps: a resumed sweep gets the same suggestions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/trial.h"

namespace hpsweep {

struct Suggestion {
  std::vector<SweptValue> values;  // what the trial trains with, over its fixed values
  std::string reason;              // for /decisions: what the suggestion was made from
};

class ValueSuggester {
 public:
  virtual ~ValueSuggester() = default;
  // `running`: the trials on a worker now (not `trial`).
  virtual Suggestion suggest(int64_t trial, const std::vector<int64_t>& running) = 0;
  // A trial's score at `epoch`: lower is better, NaN counted as the worst (infinity).
  virtual void heard(int64_t trial, int64_t epoch, double score) = 0;
  // The trial ended on its own (diverged or failed) before a verdict ended it.
  virtual void ended(int64_t trial) = 0;
};

}  // namespace hpsweep
