// Per-trial generalization summary from its curves: final errors, the generalization gap,
// the best test error and its epoch, and a diagnosis.
//
// Diagnosis rule, applied to the last recorded epoch (docs/analysis.md):
//   overfitting   gap = test error - train error > overfit_gap, or the test error ended more
//                 than overfit_rise above its minimum (early stopping would have helped)
//   underfitting  otherwise, when the final train error > underfit_error: the model does not
//                 fit even its training data, and the test error is no worse than that
//   good fit      otherwise
//   -             no epoch recorded (pending, or failed before its first epoch)
//
// Overfitting onset: the epoch of the lowest test error, when after it the training error
// still fell while the test error ended more than overfit_rise above that minimum.
#pragma once

#include <optional>
#include <string>

#include "common/spec.h"
#include "storage/sweep_file.h"

namespace hpsweep {

struct DiagnosisRule {
  double underfit_error = 0.15;
  double overfit_gap = 0.05;
  double overfit_rise = 0.01;
};

struct TrialSummary {
  int64_t epochs = 0;
  double final_train_error = 0, final_test_error = 0, gap = 0;
  double best_test_error = 0;
  int64_t best_test_epoch = 0;
  std::optional<double> best_metric;  // the spec's metric at its best epoch
  std::optional<int64_t> overfit_onset;
  std::string diagnosis = "-";
};

TrialSummary summarize_trial(const TrialRecord& trial, const MetricSpec& metric,
                             const DiagnosisRule& rule);

}  // namespace hpsweep
