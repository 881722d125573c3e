#include "analysis/configurations.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/trial.h"

namespace hpsweep {
namespace {

// "good fit" when every trial agrees, else each label with its count, most frequent first.
std::string label_counts(const std::vector<TrialSummary>& summaries) {
  std::vector<std::pair<std::string, int>> counts;
  for (const TrialSummary& s : summaries) {
    if (s.epochs == 0) continue;
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == s.diagnosis; });
    if (it == counts.end())
      counts.push_back({s.diagnosis, 1});
    else
      ++it->second;
  }
  if (counts.empty()) return "-";
  if (counts.size() == 1) return counts.front().first;
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [label, n] : counts)
    text += (text.empty() ? "" : ", ") + label + " " + std::to_string(n);
  return text;
}

}  // namespace

const ConfigValue* ConfigurationResult::value_of(const std::string& path) const {
  for (const SweptValue& v : values)
    if (v.path == path) return &v.value;
  return nullptr;
}

std::vector<ConfigurationResult> configuration_results(const SweepRecord& sweep,
                                                       const DiagnosisRule& rule) {
  std::vector<ConfigurationResult> results;
  std::map<std::string, size_t> by_key;
  for (const TrialRecord& trial : sweep.trials) {
    const auto [it, added] = by_key.emplace(configuration_key(trial.swept), results.size());
    if (added) {
      ConfigurationResult c;
      c.index = static_cast<int64_t>(results.size());
      for (const SweptValue& v : trial.swept)
        if (v.path != "training.seed") c.values.push_back(v);
      results.push_back(std::move(c));
    }
    ConfigurationResult& c = results[it->second];
    c.trials.push_back(&trial);
    c.summaries.push_back(summarize_trial(trial, sweep.metric, rule));
  }
  for (ConfigurationResult& c : results) {
    std::vector<double> metric, test, gap, train, final_test;
    for (const TrialSummary& s : c.summaries) {
      if (s.epochs == 0) continue;
      if (s.best_metric) {
        metric.push_back(*s.best_metric);
        test.push_back(s.selected_test_error);
      }
      gap.push_back(s.gap);
      train.push_back(s.smoothed_train_error);
      final_test.push_back(s.smoothed_test_error);
    }
    c.metric = spread(metric);
    c.selected_test = spread(test);
    c.gap = spread(gap);
    c.train_error = spread(train);
    c.test_error = spread(final_test);
    c.diagnosis = label_counts(c.summaries);
  }
  return results;
}

std::vector<const ConfigurationResult*> ranked_configurations(
    const std::vector<ConfigurationResult>& configurations, const MetricSpec& metric) {
  std::vector<const ConfigurationResult*> ranked;
  for (const ConfigurationResult& c : configurations)
    if (c.metric.n > 0) ranked.push_back(&c);
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto* a, const auto* b) {
    return metric.minimize ? a->metric.mean < b->metric.mean : a->metric.mean > b->metric.mean;
  });
  return ranked;
}

bool has_repeats(const SweepRecord& sweep) {
  std::map<std::string, int> counts;
  for (const TrialRecord& trial : sweep.trials)
    if (++counts[configuration_key(trial.swept)] > 1) return true;
  return false;
}

std::string configuration_name(int64_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "c%03lld", static_cast<long long>(index));
  return buffer;
}

}  // namespace hpsweep
