#include "analysis/trial_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hpsweep {
namespace {

bool has_curve(const TrialRecord& trial, const std::string& name) {
  const auto it = trial.curves.find(name);
  return it != trial.curves.end() && !it->second.empty() &&
         std::none_of(it->second.begin(), it->second.end(),
                      [](double v) { return std::isnan(v); });
}

const std::vector<double>& train_curve(const TrialRecord& trial) {
  return trial.curves.at(has_curve(trial, "train_eval_error") ? "train_eval_error"
                                                              : "train_error");
}

const std::vector<double>& heldout_curve(const TrialRecord& trial) {
  return trial.curves.at(has_curve(trial, "val_error") ? "val_error" : "test_error");
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

}  // namespace

DiagnosisRule DiagnosisRule::for_sweep(const SweepRecord& sweep) const {
  DiagnosisRule rule = *this;
  rule.regression = parse_spec(sweep.spec_text, "sweep.h5:/spec").base.dataset.regression();
  bool any = false;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.epochs() == 0) continue;
    const double train = last_median(train_curve(trial), smooth);
    const double heldout = last_median(heldout_curve(trial), smooth);
    rule.lowest_train_error = any ? std::min(rule.lowest_train_error, train) : train;
    rule.reference_error = any ? std::min(rule.reference_error, heldout) : heldout;
    any = true;
  }
  return rule;
}

std::string DiagnosisRule::description() const {
  char buffer[768];
  const long long k = smooth, w = window;
  if (regression)
    std::snprintf(buffer, sizeof buffer,
                  "on the medians of the last %lld epochs; regression errors are judged against "
                  "the sweep's lowest held-out error %.4g with margin %.2f: underfitting = "
                  "training error above %.4g; else overfitting = held-out error above %.4g; "
                  "else unstable = in the last %lld epochs the held-out error jumped up by more "
                  "than %.4g and came back; else good fit",
                  k, reference_error, relative_margin, (1 + relative_margin) * reference_error,
                  (1 + relative_margin) * reference_error, w, relative_margin * reference_error);
  else
    std::snprintf(buffer, sizeof buffer,
                  "on the medians of the last %lld epochs: underfitting = training error more "
                  "than %.4g above the sweep's lowest (%.4f); else overfitting = held-out minus "
                  "training error above %.4g; else unstable = in the last %lld epochs the "
                  "held-out error jumped up by more than %.4g and came back; else good fit",
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
  const std::vector<double>& heldout = heldout_curve(trial);
  const std::vector<double>& test = trial.curves.at("test_error");
  const std::vector<double>& epochs = trial.curves.at("epoch");
  s.final_train_error = train.back();
  s.final_val_error = final_or_nan(trial, "val_error");
  s.final_test_error = test.back();
  s.smoothed_train_error = last_median(train, rule.smooth);
  s.smoothed_heldout_error = last_median(heldout, rule.smooth);
  s.gap = last_median(test, rule.smooth) - s.smoothed_train_error;
  s.swing = largest_spike(heldout, rule.window);

  if (has_curve(trial, metric.name)) {
    const std::vector<double>& values = trial.curves.at(metric.name);
    size_t best = 0;
    for (size_t i = 1; i < values.size(); ++i)
      if (metric.minimize ? values[i] < values[best] : values[i] > values[best]) best = i;
    s.best_metric = values[best];
    s.selected_epoch = static_cast<int64_t>(epochs[best]);
    s.selected_test_error = test[best];
  }

  const double unstable_limit =
      rule.regression ? rule.relative_margin * rule.reference_error : rule.unstable_swing;
  const size_t lowest = std::min_element(heldout.begin(), heldout.end()) - heldout.begin();
  const size_t last = heldout.size() - 1;
  if (lowest < last && train[last] < train[lowest] &&
      heldout[last] - heldout[lowest] > unstable_limit)
    s.overfit_onset = static_cast<int64_t>(epochs[lowest]);

  const double limit = (1 + rule.relative_margin) * rule.reference_error;
  const bool underfit = rule.regression
                            ? s.smoothed_train_error > limit
                            : s.smoothed_train_error > rule.lowest_train_error + rule.underfit_margin;
  const bool overfit = rule.regression
                           ? s.smoothed_heldout_error > limit
                           : s.smoothed_heldout_error - s.smoothed_train_error > rule.overfit_gap;
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

std::string test_selection_warning(const MetricSpec& metric) {
  if (!metric.on_test_set()) return "";
  return "note: metric " + metric.name +
         " selects epochs and trials on the test set, so the test errors reported for them are "
         "biased low; hold out a validation part (dataset.validation) and rank by val_error";
}

}  // namespace hpsweep
