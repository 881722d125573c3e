// A sweep's trials grouped by configuration: the trials with the same swept values,
// training.seed aside, are the repeats (spec `repeats`, a swept training.seed) and folds
// (dataset.kfold) of one configuration, and the analysis reports each configuration by the
// mean and spread over them (analysis/statistics.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/statistics.h"
#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

struct ConfigurationResult {
  int64_t index = 0;               // in order of first trial
  std::vector<SweptValue> values;  // the swept values, training.seed left out
  std::vector<const TrialRecord*> trials;
  std::vector<TrialSummary> summaries;  // by trial, as above
  // Over the trials with a recorded epoch:
  Spread metric;         // the best value of the sweep's metric (what ranks configurations)
  Spread selected_test;  // the test error at the epoch the metric selected
  Spread gap;
  Spread train_error, test_error;  // smoothed
  std::string diagnosis;           // "good fit", or "good fit 3, unstable 2" when mixed

  const ConfigValue* value_of(const std::string& path) const;
};

// Every configuration, in order of its first trial.
std::vector<ConfigurationResult> configuration_results(const SweepRecord& sweep,
                                                       const DiagnosisRule& rule);

// Configurations with a recorded epoch, best first by the mean of the metric (ties: the
// earlier configuration first).
std::vector<const ConfigurationResult*> ranked_configurations(
    const std::vector<ConfigurationResult>& configurations, const MetricSpec& metric);

// Whether any configuration has more than one trial (repeats or folds).
bool has_repeats(const SweepRecord& sweep);

// "c003"
std::string configuration_name(int64_t index);

}  // namespace hpsweep
