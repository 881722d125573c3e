// Per-trial generalization summary from its curves: the training, validation and test errors,
// the generalization gap, the epoch the sweep's metric selects and the test error there, and a
// diagnosis by d2l's definitions (docs/analysis.md).
//
// Which curves: the training error is train_eval_error when the trial has it (evaluated after
// the epoch with dropout off, training.eval_train), else train_error (averaged during the epoch,
// dropout on: it can exceed the test error). The diagnosis describes how a trained model
// generalizes, and selects nothing, so it reads the test error: the validation part selects
// epochs and configurations (the metric), the test set reports.
//
// Smoothing: the diagnosis and the gap use each curve's median over the last `smooth` epochs
// (fewer when the trial has fewer), so one noisy epoch does not decide a label.
//
// Diagnosis, first match wins ("-" when no epoch is recorded):
//   underfitting  the training error stays high: classification, more than `underfit_margin`
//                 above the sweep's lowest; regression (errors carry the targets' scale), more
//                 than (1 + relative_margin) times the sweep's lowest test error
//   overfitting   the training error is far below the test error: classification, by more
//                 than `overfit_gap`; regression, test error above (1 + relative_margin) times
//                 the sweep's lowest
//   unstable      the test curve oscillates: within its last `window` epochs, one epoch rose
//                 above both its neighbours by more than `unstable_swing` (regression:
//                 relative_margin times the sweep's lowest test error). A curve that turns
//                 once (falls, then rises: overfitting's U) is not unstable.
// "The sweep's lowest" is the lowest over configurations of each one's median over its
// repeats and folds, so that one lucky repeat does not set the bar.
//   good fit      otherwise
//
// Language models (trials with train_perplexity and test_perplexity curves) are judged on
// perplexities, which carry the vocabulary's scale (a uniform guess over V tokens has
// perplexity V), so every threshold is relative. The gap is the perplexity ratio, test /
// training perplexity = exp(test - training cross-entropy per token): 1 is no gap.
//   underfitting  the training perplexity is above (1 + relative_margin) times the sweep's
//                 lowest test perplexity: the model fits its own training text worse than the
//                 sweep's best model predicts unseen text
//   overfitting   the perplexity ratio is above `overfit_ratio`
//   unstable      the test perplexity jumped up by more than relative_margin times the sweep's
//                 lowest test perplexity and came back
//
// Overfitting onset (information, not a label): the epoch of the lowest test error (language
// models: perplexity), when after it the training error still fell while the test error
// ended more than the unstable swing above that minimum.
#pragma once

#include <optional>
#include <string>

#include "common/spec.h"
#include "storage/sweep_file.h"

namespace hpsweep {

struct DiagnosisRule {
  int64_t smooth = 3;
  double underfit_margin = 0.05;
  double overfit_gap = 0.05;
  double unstable_swing = 0.02;
  int64_t window = 5;
  double relative_margin = 0.25;  // regression and language models
  double overfit_ratio = 1.5;     // language models only
  // Set by for_sweep().
  bool regression = false;
  bool language_model = false;    // some trial has perplexity curves
  double lowest_train_error = 0;  // classification: the sweep's lowest smoothed training error
  // Regression: the sweep's lowest smoothed test error; language models: test perplexity.
  double reference_error = 0;

  // These thresholds, adapted to `sweep`: its error kind (from the spec's dataset) and its
  // references.
  DiagnosisRule for_sweep(const SweepRecord& sweep) const;
  // One sentence for the analysis and the report.
  std::string description() const;
};

struct TrialSummary {
  int64_t epochs = 0;
  bool clean_train = false;  // the training error is train_eval_error
  bool validation = false;   // the trial has a validation part (val_error)
  // The last epoch's values (NaN where the trial has no such curve).
  double final_train_error = 0, final_val_error = 0, final_test_error = 0;
  // Medians over the last `smooth` epochs; gap = test - training error, both smoothed
  // (language models: the perplexity ratio, test / training perplexity, both smoothed).
  double smoothed_train_error = 0, smoothed_test_error = 0, gap = 0;
  double smoothed_val_error = kNoValue;  // NaN without a validation part
  // The judged test curve's (error, or perplexity) largest up-and-back jump in the last `window`.
  double swing = 0;
  // The epoch the sweep's metric selects (its best value, the first on ties), the value, and
  // the test error at that epoch: what a paper reports.
  std::optional<double> best_metric;
  int64_t selected_epoch = 0;
  double selected_test_error = 0;
  std::optional<int64_t> overfit_onset;
  std::string diagnosis = "-";
};

TrialSummary summarize_trial(const TrialRecord& trial, const MetricSpec& metric,
                             const DiagnosisRule& rule);

}  // namespace hpsweep
