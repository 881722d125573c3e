// What a trial reports: one EpochMetrics per finished epoch, and a status at the end.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hpsweep {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct EpochMetrics {
  int64_t epoch = 0;                       // 1-based
  double train_loss = 0, train_error = 0;  // averaged over the epoch's minibatches, as d2l does
  double test_loss = 0, test_error = 0;    // evaluated after the epoch, dropout off
  // Evaluated after the epoch like the test set, NaN when the trial has none: the held-out
  // part of the training set (dataset.validation, or the trial's fold of dataset.kfold), and
  // training.eval_train fixed training samples in evaluation mode (no dropout, batch norm's
  // running statistics): the training error the generalization gap should use.
  double val_loss = kNoValue, val_error = kNoValue;
  double train_eval_loss = kNoValue, train_eval_error = kNoValue;
  double wall_seconds = 0;        // the whole epoch: training and evaluation
  double samples_per_second = 0;  // training samples over training time only
  // The learning rate of the epoch's last update (training.lr_schedule); NaN for a trial that
  // trains nothing (model.type: simulated).
  double lr = kNoValue;
  // The global L2 norm of the gradients before clipping (training.clip_norm), mean and max
  // over the epoch's updates; NaN for a trial that trains nothing.
  double grad_norm_mean = kNoValue, grad_norm_max = kNoValue;
  // Language models: exp of the mean cross-entropy per token (train_loss, test_loss); NaN for
  // other models.
  double train_perplexity = kNoValue, test_perplexity = kNoValue;
  // Detectors (docs/detection.md): train_error and test_error are the share of anchors whose
  // class is wrong; the box MAE is the mean |target - prediction| over the masked offsets of
  // all anchors, as d2l prints them; mAP is over the test images' detections at IoU 0.5 and
  // averaged over 0.5:0.95 (worker/detection/average_precision.h). NaN for other models.
  double train_box_mae = kNoValue, test_box_mae = kNoValue;
  double test_map50 = kNoValue, test_map50_95 = kNoValue;
};

// The curve names in sweep.h5, in column order.
const std::vector<std::string>& curve_names();
// Throws std::invalid_argument for a name not in curve_names().
double curve_value(const EpochMetrics& metrics, const std::string& name);
void set_curve_value(EpochMetrics& metrics, const std::string& name, double value);
// The curves metric.name may name: losses, errors, perplexities and box MAEs (lower is better),
// and mAPs (higher is better: goal maximize).
const std::vector<std::string>& metric_names();

// paused: waiting at a scheduler's rung or barrier, its checkpoint kept; stopped: ended early by
// the scheduler (docs/schedulers.md). Appended last so that the older values keep their numbers.
enum class TrialStatus {
  pending,
  running,
  completed,
  diverged,
  failed,
  interrupted,
  paused,
  stopped
};

std::string status_name(TrialStatus status);
TrialStatus parse_status(const std::string& name);  // throws std::invalid_argument

}  // namespace hpsweep
