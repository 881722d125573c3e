#include "worker/detection_trainer.h"

#include <chrono>
#include <cmath>

#include "common/failpoint.h"
#include "worker/data/holdout.h"
#include "worker/detection/detection_batch.h"
#include "worker/detection/ssd_evaluation.h"
#include "worker/detection/ssd_loss.h"
#include "worker/epoch_end.h"
#include "worker/model_state.h"
#include "worker/models/tiny_ssd.h"
#include "worker/optimizer.h"
#include "worker/parameter_update.h"

namespace hpsweep {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<StoredDetection> stored(const std::vector<ScoredBox>& detections) {
  std::vector<StoredDetection> result;
  for (const ScoredBox& d : detections)
    result.push_back({d.image, d.class_id, d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2});
  return result;
}

enum StepStat { kStepLoss, kStepErrors, kStepBoxAbs, kStepStopVotes, kStepStats };

}  // namespace

TrialOutcome train_detector(const Trial& trial, const TrainTestData& data, const TrialStart& start,
                            TrialObserver& observer, const std::atomic<bool>& stop,
                            TrainingGroup& group) {
  const TrainingConfig& cfg = trial.config.training;
  const TrialData parts = split_trial_data(data, trial.config.dataset);
  const Dataset& train_set = parts.train;
  Model model =
      build_trial_model(trial, train_set.sample_shape(), train_set.classes, start.init_from);
  const std::vector<Box> anchors = tiny_ssd_block(model).anchors();
  const double anchor_count = static_cast<double>(anchors.size());
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(cfg);
  group.place_gradients(model);
  const std::unique_ptr<GradientReducer> reducer = group.make_reducer();

  CheckpointData state = starting_state(trial, start, model, *optimizer);
  std::string observer_error;
  // As in run_trial: a group of one abandons a step between layers when `stop` is set.
  const std::atomic<bool>* solo_stop = group.size() == 1 ? &stop : nullptr;
  const AugmentOptions augment{trial.config.dataset.flip, trial.config.dataset.crop_padding};
  SsdLoss loss(anchors, train_set.classes);
  Tensor inputs, doutputs;
  std::vector<std::vector<LabeledBox>> batch_truth;
  try {
    for (int64_t epoch = state.epoch + 1; epoch <= cfg.epochs; ++epoch) {
      const auto epoch_start = Clock::now();
      const std::vector<int64_t> order =
          epoch_order(train_set.size(), cfg.shuffle, trial.seed, epoch);
      double sums[kStepStats] = {0, 0, 0, 0};  // over the epoch
      GradientNormStats norms;
      for (int64_t begin = 0; begin < train_set.size(); begin += cfg.batch_size) {
        const int64_t count = std::min(cfg.batch_size, train_set.size() - begin);
        const auto [first, last] = group_rows(count, group);
        const int64_t* ids = order.data() + begin + first;
        gather_detection_batch(train_set, augment, ids, last - first, trial.seed, epoch, inputs,
                               batch_truth);
        const Tensor& outputs =
            model.forward(inputs, BatchContext{Mode::train, trial.seed, epoch, ids,
                                               group.size() > 1 ? &group : nullptr, solo_stop});
        const SsdLossSums local = loss.forward(outputs, batch_truth);
        const bool stop_here = stop.load(std::memory_order_relaxed) || !observer_error.empty();
        double stats[kStepStats] = {local.loss, local.class_errors, local.box_abs,
                                    stop_here ? 1.0 : 0.0};
        group.sum(stats, kStepStats);
        if (stats[kStepStopVotes] > 0) {
          if (!observer_error.empty()) return {TrialStatus::failed, epoch - 1, observer_error};
          return {TrialStatus::interrupted, epoch - 1, kStoppedTrialMessage};
        }
        if (!std::isfinite(stats[kStepLoss]))
          return {TrialStatus::diverged, epoch,
                  "training loss became " + std::to_string(stats[kStepLoss]) + " in epoch " +
                      std::to_string(epoch)};
        for (int s = 0; s < kStepStopVotes; ++s) sums[s] += stats[s];
        // Each rank scales by the *global* batch, so the group's sum is the batch-mean gradient.
        loss.backward(1.0f / static_cast<float>(count), doutputs);
        model.backward(doutputs, *reducer, solo_stop);
        reducer->finish();
        throw_if_stopped(solo_stop);
        norms.add(update_parameters(model, *optimizer, cfg, epoch));
        failpoint("training-step");
      }
      const double train_seconds = seconds_since(epoch_start);
      const double images = static_cast<double>(train_set.size());
      EpochMetrics metrics;
      metrics.epoch = epoch;
      metrics.train_loss = sums[kStepLoss] / images;
      metrics.train_error = sums[kStepErrors] / (images * anchor_count);
      metrics.train_box_mae = sums[kStepBoxAbs] / (images * anchor_count * 4);
      if (parts.validation.size() > 0) {
        const DetectionEvaluation v = evaluate_detector(model, parts.validation, solo_stop);
        metrics.val_loss = v.loss;
        metrics.val_error = v.class_error;
      }
      const DetectionEvaluation test = evaluate_detector(model, parts.test, solo_stop);
      if (!std::isfinite(test.loss))
        return {
            TrialStatus::diverged, epoch,
            "test loss became " + std::to_string(test.loss) + " in epoch " + std::to_string(epoch)};
      metrics.test_loss = test.loss;
      metrics.test_error = test.class_error;
      metrics.test_box_mae = test.box_mae;
      metrics.test_map50 = test.map50;
      metrics.test_map50_95 = test.map50_95;
      metrics.wall_seconds = seconds_since(epoch_start);
      metrics.samples_per_second = images / train_seconds;
      metrics.lr = optimizer->lr();
      metrics.grad_norm_mean = norms.mean();
      metrics.grad_norm_max = norms.max;
      const auto snapshot = [&](CheckpointData& s, bool checkpoint_due) {
        s.params = snapshot_parameters(model);
        if (checkpoint_due) s.optimizer = optimizer->state();
        if (s.has_best && s.best_epoch == epoch) s.best_detections = stored(test.detections);
      };
      if (auto end = end_epoch(trial, metrics, state, observer, observer_error, snapshot))
        return *end;
    }
  } catch (const StepCancelled&) {
    return {TrialStatus::interrupted, state.epoch, kStoppedTrialMessage};
  }
  if (!observer_error.empty()) return {TrialStatus::failed, cfg.epochs, observer_error};
  return {TrialStatus::completed, cfg.epochs, ""};
}

}  // namespace hpsweep
