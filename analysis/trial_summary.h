// Per-trial generalization summary from its curves: final errors, the generalization gap,
// the best test error and its epoch, and a diagnosis.
//
// Diagnosis rule, applied to the last recorded epoch (docs/analysis.md). Classification
// errors are rates in [0, 1], comparable across sweeps, so their thresholds are absolute:
//   overfitting   gap = test error - train error > overfit_gap, or the test error ended more
//                 than overfit_rise above its minimum (early stopping would have helped)
//   underfitting  otherwise, when the final train error > underfit_error
//   good fit      otherwise
// Regression errors (mean squared error) carry the scale of the targets, so no absolute
// threshold fits every dataset. They are judged against the sweep's lowest final test error
// (the reference), with one relative margin m:
//   underfitting  final train error > (1 + m) * reference: the model fits its own training
//                 data worse than the best model predicts unseen data
//   overfitting   otherwise, final test error > (1 + m) * reference, or it ended more than
//                 m times its minimum above that minimum
//   good fit      otherwise (the sweep's best trial always is)
//   -             no epoch recorded (pending, or failed before its first epoch)
//
// Overfitting onset: the epoch of the lowest test error, when after it the training error
// still fell while the test error ended more than the rise threshold above that minimum.
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
  double relative_margin = 0.25;  // regression only
  // Set by for_sweep(): regression errors are judged against `reference_error`.
  bool regression = false;
  double reference_error = 0;

  // These thresholds, adapted to `sweep`: its error kind (from the spec's dataset) and, for
  // regression, its lowest final test error.
  DiagnosisRule for_sweep(const SweepRecord& sweep) const;
  // One sentence for the analysis and the report.
  std::string description() const;
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
