#include "analysis/trial_summary.h"

namespace hpsweep {

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

  const size_t last = test.size() - 1;
  if (best < last && train[last] < train[best] &&
      s.final_test_error - s.best_test_error > rule.overfit_rise)
    s.overfit_onset = s.best_test_epoch;

  if (s.gap > rule.overfit_gap || s.final_test_error - s.best_test_error > rule.overfit_rise)
    s.diagnosis = "overfitting";
  else if (s.final_train_error > rule.underfit_error)
    s.diagnosis = "underfitting";
  else
    s.diagnosis = "good fit";
  return s;
}

}  // namespace hpsweep
