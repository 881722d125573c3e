#include "worker/detection_trainer.h"

#include <cmath>

#include "worker/data/holdout.h"
#include "worker/detection/detection_batch.h"
#include "worker/detection/ssd_evaluation.h"
#include "worker/detection/ssd_loss.h"
#include "worker/epoch_end.h"
#include "worker/model_state.h"
#include "worker/models/tiny_ssd.h"
#include "worker/optimizer.h"
#include "worker/parameter_update.h"
#include "worker/training_step.h"

namespace hpsweep {
namespace {

std::vector<StoredDetection> stored(const std::vector<ScoredBox>& detections) {
  std::vector<StoredDetection> result;
  for (const ScoredBox& d : detections)
    result.push_back({d.image, d.class_id, d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2});
  return result;
}

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
      const EpochTimer timer;
      const std::vector<int64_t> order =
          epoch_order(train_set.size(), cfg.shuffle, trial.seed, epoch);
      double sums[3] = {0, 0, 0};  // over the epoch: loss, class errors, box offsets' |error|
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
        double step[] = {local.loss, local.class_errors, local.box_abs};
        if (auto end = sum_step_and_votes(group, step, stop, observer_error, epoch)) return *end;
        if (!std::isfinite(step[0]))
          return {TrialStatus::diverged, epoch,
                  "training loss became " + std::to_string(step[0]) + " in epoch " +
                      std::to_string(epoch)};
        for (int s = 0; s < 3; ++s) sums[s] += step[s];
        // Each rank scales by the *global* batch, so the group's sum is the batch-mean gradient.
        loss.backward(1.0f / static_cast<float>(count), doutputs);
        norms.add(
            backward_and_update(model, doutputs, *reducer, *optimizer, cfg, epoch, solo_stop));
      }
      const double train_seconds = timer.seconds();
      const double images = static_cast<double>(train_set.size());
      EpochMetrics metrics;
      metrics.epoch = epoch;
      metrics.train_loss = sums[0] / images;
      metrics.train_error = sums[1] / (images * anchor_count);
      metrics.train_box_mae = sums[2] / (images * anchor_count * 4);
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
      add_epoch_figures(metrics, timer, images, train_seconds, *optimizer, norms);
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
  return after_last_epoch(cfg, observer_error);
}

}  // namespace hpsweep
