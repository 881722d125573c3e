#include "analysis/trial_summary.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/trial.h"

namespace hpsweep {
namespace {

bool has_curve(const TrialRecord& trial, const std::string& name) {
  const auto it = trial.curves.find(name);
  return it != trial.curves.end() && !it->second.empty() &&
         std::none_of(it->second.begin(), it->second.end(), [](double v) { return std::isnan(v); });
}

const std::vector<double>& train_curve(const TrialRecord& trial) {
  return trial.curves.at(has_curve(trial, "train_eval_error") ? "train_eval_error" : "train_error");
}

// The curves a trial's diagnosis reads: its training and test error, or a language model's
// perplexities (trial_summary.h).
struct JudgedCurves {
  const std::vector<double>& train;
  const std::vector<double>& test;
};

JudgedCurves judged_curves(const TrialRecord& trial, const DiagnosisRule& rule) {
  if (rule.language_model)
    return {trial.curves.at("train_perplexity"), trial.curves.at("test_perplexity")};
  return {train_curve(trial), trial.curves.at("test_error")};
}

// The median of the last `count` values: one noisy epoch moves it little.
double last_median(const std::vector<double>& values, int64_t count) {
  const size_t n = std::min(values.size(), static_cast<size_t>(std::max<int64_t>(count, 1)));
  std::vector<double> last(values.end() - static_cast<std::ptrdiff_t>(n), values.end());
  std::sort(last.begin(), last.end());
  return n % 2 ? last[n / 2] : (last[n / 2 - 1] + last[n / 2]) / 2;
}

// The largest jump up-and-back within the last `window` values: how far an epoch rose above
// both of its neighbours. 0 for a curve that only falls, only rises, or turns once (a U).
double largest_spike(const std::vector<double>& values, int64_t window) {
  const size_t n = std::min(values.size(), static_cast<size_t>(std::max<int64_t>(window, 3)));
  double spike = 0;
  for (size_t i = values.size() - n + 1; i + 1 < values.size(); ++i)
    spike = std::max(spike, values[i] - std::max(values[i - 1], values[i + 1]));
  return spike;
}

double final_or_nan(const TrialRecord& trial, const std::string& name) {
  return has_curve(trial, name) ? trial.curves.at(name).back() : kNoValue;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Whether the sweep's data has real targets, from the `dataset.name` of the spec stored in
// sweep.h5. Read directly rather than through parse_spec: a sweep written by an earlier hpsweep
// stays analysable when the spec format moves on (W&B's `log_uniform` changed meaning).
bool stored_spec_is_regression(const std::string& spec_text) {
  DatasetConfig dataset;
  // A missing key gives an invalid node, which only `operator bool` may be asked about.
  const YAML::Node root = YAML::Load(spec_text);
  const YAML::Node block = root.IsMap() ? root["dataset"] : YAML::Node();
  const YAML::Node name = block && block.IsMap() ? block["name"] : YAML::Node();
  if (name && name.IsScalar()) dataset.name = name.Scalar();
  return dataset.regression();
}

}  // namespace

DiagnosisRule DiagnosisRule::for_sweep(const SweepRecord& sweep) const {
  DiagnosisRule rule = *this;
  rule.regression = stored_spec_is_regression(sweep.spec_text);
  // Only language models record perplexities (other trials' curves are absent, or empty or
  // NaN in a record made by hand).
  rule.language_model =
      std::any_of(sweep.trials.begin(), sweep.trials.end(),
                  [](const TrialRecord& t) { return has_curve(t, "test_perplexity"); });
  // Each configuration's median over its repeats and folds, so that one lucky repeat does not
  // set the bar for all.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_configuration;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.epochs() == 0) continue;
    auto& [train, test] = by_configuration[configuration_key(trial.swept)];
    const JudgedCurves judged = judged_curves(trial, rule);
    train.push_back(last_median(judged.train, smooth));
    test.push_back(last_median(judged.test, smooth));
  }
  bool any = false;
  for (const auto& [key, errors] : by_configuration) {
    const double train = median(errors.first), test = median(errors.second);
    rule.lowest_train_error = any ? std::min(rule.lowest_train_error, train) : train;
    rule.reference_error = any ? std::min(rule.reference_error, test) : test;
    any = true;
  }
  return rule;
}

std::string DiagnosisRule::description() const {
  char buffer[768];
  const long long k = smooth, w = window;
  if (language_model)
    std::snprintf(buffer, sizeof buffer,
                  "on the medians of the last %lld epochs; language models are judged on "
                  "perplexities, against the lowest test perplexity of the sweep's "
                  "configurations, %.4g, with margin %.2f: underfitting = training perplexity "
                  "above %.4g; else overfitting = perplexity ratio (test / training perplexity) "
                  "above %.4g; else unstable = in the last %lld epochs the test perplexity "
                  "jumped up by more than %.4g and came back; else good fit",
                  k, reference_error, relative_margin, (1 + relative_margin) * reference_error,
                  overfit_ratio, w, relative_margin * reference_error);
  else if (regression)
    std::snprintf(buffer, sizeof buffer,
                  "on the medians of the last %lld epochs; regression errors are judged against "
                  "the lowest test error of the sweep's configurations, %.4g, with margin %.2f: "
                  "underfitting = training error above %.4g; else overfitting = test error "
                  "above %.4g; else unstable = in the last %lld epochs the test error jumped up "
                  "by more than %.4g and came back; else good fit",
                  k, reference_error, relative_margin, (1 + relative_margin) * reference_error,
                  (1 + relative_margin) * reference_error, w, relative_margin * reference_error);
  else
    std::snprintf(buffer, sizeof buffer,
                  "on the medians of the last %lld epochs: underfitting = training error more "
                  "than %.4g above the lowest of the sweep's configurations (%.4f); else "
                  "overfitting = test minus training error above %.4g; else unstable = in the "
                  "last %lld epochs the test error jumped up by more than %.4g and came back; "
                  "else good fit",
                  k, underfit_margin, lowest_train_error, overfit_gap, w, unstable_swing);
  return buffer;
}

TrialSummary summarize_trial(const TrialRecord& trial, const MetricSpec& metric,
                             const DiagnosisRule& rule) {
  TrialSummary s;
  s.epochs = trial.epochs();
  if (s.epochs == 0) return s;
  s.clean_train = has_curve(trial, "train_eval_error");
  s.validation = has_curve(trial, "val_error");
  const std::vector<double>& train = train_curve(trial);
  const std::vector<double>& test = trial.curves.at("test_error");
  const std::vector<double>& epochs = trial.curves.at("epoch");
  s.final_train_error = train.back();
  s.final_val_error = final_or_nan(trial, "val_error");
  s.final_test_error = test.back();
  s.smoothed_train_error = last_median(train, rule.smooth);
  s.smoothed_test_error = last_median(test, rule.smooth);
  if (s.validation) s.smoothed_val_error = last_median(trial.curves.at("val_error"), rule.smooth);
  const JudgedCurves judged = judged_curves(trial, rule);
  const double judged_train = last_median(judged.train, rule.smooth);
  const double judged_test = last_median(judged.test, rule.smooth);
  s.gap = rule.language_model ? judged_test / judged_train
                              : s.smoothed_test_error - s.smoothed_train_error;
  s.swing = largest_spike(judged.test, rule.window);

  if (has_curve(trial, metric.name)) {
    const std::vector<double>& values = trial.curves.at(metric.name);
    size_t best = 0;
    for (size_t i = 1; i < values.size(); ++i)
      if (metric.minimize ? values[i] < values[best] : values[i] > values[best]) best = i;
    s.best_metric = values[best];
    s.selected_epoch = static_cast<int64_t>(epochs[best]);
    s.selected_test_error = test[best];
  }

  // Regression errors and perplexities carry their data's scale: judged relative to the sweep.
  const bool relative = rule.regression || rule.language_model;
  const double unstable_limit =
      relative ? rule.relative_margin * rule.reference_error : rule.unstable_swing;
  const size_t lowest =
      std::min_element(judged.test.begin(), judged.test.end()) - judged.test.begin();
  const size_t last = judged.test.size() - 1;
  if (lowest < last && judged.train[last] < judged.train[lowest] &&
      judged.test[last] - judged.test[lowest] > unstable_limit)
    s.overfit_onset = static_cast<int64_t>(epochs[lowest]);

  const double limit = (1 + rule.relative_margin) * rule.reference_error;
  const bool underfit = relative ? judged_train > limit
                                 : judged_train > rule.lowest_train_error + rule.underfit_margin;
  const bool overfit = rule.language_model ? s.gap > rule.overfit_ratio
                       : rule.regression   ? judged_test > limit
                                           : s.gap > rule.overfit_gap;
  if (underfit)
    s.diagnosis = "underfitting";
  else if (overfit)
    s.diagnosis = "overfitting";
  else if (s.swing > unstable_limit)
    s.diagnosis = "unstable";
  else
    s.diagnosis = "good fit";
  return s;
}

}  // namespace hpsweep
