// Per-trial generalization summary from its curves: final errors, the generalization gap,
// the best test error and its epoch, and a diagnosis.
//
// Diagnosis rule, applied to the last recorded epoch (docs/analysis.md):
//   underfitting  final train error > underfit_error (the model does not fit its training
//                 data; checked first, since a gap means little when training fails)
//   overfitting   gap = test error - train error > overfit_gap, or the test error has risen
//                 more than overfit_rise above its minimum (early stopping would have helped)
//   good fit      otherwise
//   -             no epoch recorded (pending, failed before an epoch)
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
  std::string diagnosis = "-";
};

TrialSummary summarize_trial(const TrialRecord& trial, const MetricSpec& metric, const DiagnosisRule& rule);

}  // namespace hpsweep
