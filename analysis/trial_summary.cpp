#include "analysis/trial_summary.h"

#include <algorithm>
#include <cstdio>

namespace hpsweep {

DiagnosisRule DiagnosisRule::for_sweep(const SweepRecord& sweep) const {
  DiagnosisRule rule = *this;
  rule.regression = parse_spec(sweep.spec_text, "sweep.h5:/spec").base.dataset.regression();
  if (!rule.regression) return rule;
  bool any = false;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.epochs() == 0) continue;
    const double final_test = trial.curves.at("test_error").back();
    rule.reference_error = any ? std::min(rule.reference_error, final_test) : final_test;
    any = true;
  }
  return rule;
}

std::string DiagnosisRule::description() const {
  char buffer[512];
  if (regression)
    std::snprintf(buffer, sizeof buffer,
                  "regression errors, judged against the sweep's lowest final test error %.4g "
                  "with margin %.2f: underfitting = final train error above %.4g; else "
                  "overfitting = final test error above %.4g or more than %.0f%% above its "
                  "minimum; else good fit",
                  reference_error, relative_margin, (1 + relative_margin) * reference_error,
                  (1 + relative_margin) * reference_error, 100 * relative_margin);
  else
    std::snprintf(buffer, sizeof buffer,
                  "overfitting = gap > %.4f or final test error more than %.4f above its "
                  "minimum; else underfitting = final train error > %.4f; else good fit",
                  overfit_gap, overfit_rise, underfit_error);
  return buffer;
}

TrialSummary summarize_trial(const TrialRecord& trial, const MetricSpec& metric,
                             const DiagnosisRule& rule) {
  TrialSummary s;
  s.epochs = trial.epochs();
  if (s.epochs == 0) return s;
  const std::vector<double>& train = trial.curves.at("train_error");
  const std::vector<double>& test = trial.curves.at("test_error");
  const std::vector<double>& epochs = trial.curves.at("epoch");
  s.final_train_error = train.back();
  s.final_test_error = test.back();
  s.gap = s.final_test_error - s.final_train_error;
  size_t best = 0;
  for (size_t i = 1; i < test.size(); ++i)
    if (test[i] < test[best]) best = i;
  s.best_test_error = test[best];
  s.best_test_epoch = static_cast<int64_t>(epochs[best]);

  const std::vector<double>& values = trial.curves.at(metric.name);
  double best_value = values.front();
  for (double v : values)
    best_value = metric.minimize ? std::min(best_value, v) : std::max(best_value, v);
  s.best_metric = best_value;

  const double rise = s.final_test_error - s.best_test_error;
  const double rise_limit =
      rule.regression ? rule.relative_margin * s.best_test_error : rule.overfit_rise;
  const size_t last = test.size() - 1;
  if (best < last && train[last] < train[best] && rise > rise_limit)
    s.overfit_onset = s.best_test_epoch;

  if (rule.regression) {
    const double limit = (1 + rule.relative_margin) * rule.reference_error;
    if (s.final_train_error > limit)
      s.diagnosis = "underfitting";
    else if (s.final_test_error > limit || rise > rise_limit)
      s.diagnosis = "overfitting";
    else
      s.diagnosis = "good fit";
  } else if (s.gap > rule.overfit_gap || rise > rise_limit) {
    s.diagnosis = "overfitting";
  } else if (s.final_train_error > rule.underfit_error) {
    s.diagnosis = "underfitting";
  } else {
    s.diagnosis = "good fit";
  }
  return s;
}

}  // namespace hpsweep
