#include "worker/trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "common/dataset_types.h"
#include "common/error.h"
#include "common/rng.h"
#include "worker/command_trial.h"
#include "worker/data/holdout.h"
#include "worker/data/input_pipeline.h"
#include "worker/detection_trainer.h"
#include "worker/epoch_end.h"
#include "worker/finetune.h"
#include "worker/initializer.h"
#include "worker/language_model_trainer.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"
#include "worker/objective.h"
#include "worker/optimizer.h"
#include "worker/parameter_update.h"
#include "worker/simulated_trial.h"
#include "worker/training_step.h"

namespace hpsweep {
namespace {

constexpr uint64_t kInitStream = 0x696e6974;     // "init"
constexpr uint64_t kShuffleStream = 0x73687566;  // "shuf"
constexpr int64_t kEvalBatch = 1000;

// A minibatch gathered from the samples `ids` into contiguous buffers.
struct Batch {
  Tensor inputs, targets;
  std::vector<int32_t> labels;

  BatchTargets view() const {
    return {labels.empty() ? nullptr : labels.data(), targets.empty() ? nullptr : targets.data()};
  }
};

// Inputs through the trial's pipeline (resized, augmented); labels or targets as stored.
void gather_batch(const Dataset& set, InputPipeline& pipeline, const int64_t* ids, int64_t count,
                  uint64_t seed, int64_t epoch, Batch& batch) {
  pipeline.gather_training(set.inputs, ids, count, seed, epoch, batch.inputs);
  if (set.regression()) {
    batch.targets.resize({count, 1});
    for (int64_t i = 0; i < count; ++i) batch.targets[i] = set.targets[ids[i]];
  } else {
    batch.labels.resize(count);
    for (int64_t i = 0; i < count; ++i) batch.labels[i] = set.labels[ids[i]];
  }
}

struct LossAndError {
  double loss, error;
};

// `stop`, when set (a group of one), abandons the evaluation between layers (StepCancelled).
LossAndError evaluate(Model& model, const Dataset& set, InputPipeline& pipeline,
                      TrainingGroup& group, const std::atomic<bool>* stop) {
  const auto [first, last] = group_rows(set.size(), group);
  double sums[2] = {0, 0};  // loss, errors
  Objective objective;
  for (int64_t begin = first; begin < last; begin += kEvalBatch) {
    const int64_t end = std::min(last, begin + kEvalBatch);
    const Tensor& outputs = model.forward(pipeline.evaluation_rows(set.inputs, begin, end),
                                          BatchContext{.mode = Mode::eval, .stop = stop});
    const BatchTargets targets{set.regression() ? nullptr : set.labels.data() + begin,
                               set.regression() ? set.targets.data() + begin : nullptr};
    const ObjectiveSums batch = objective.forward(outputs, targets);
    sums[0] += batch.loss;
    sums[1] += batch.error;
  }
  group.sum(sums, 2);
  const double n = static_cast<double>(set.size());
  return {sums[0] / n, sums[1] / n};
}

// training.eval_train's samples: the first N of the training part (all for kEvalTrainAll or
// N beyond its size); an empty set when it is off.
Dataset eval_train_set(const Dataset& train, int64_t eval_train) {
  if (eval_train == 0) return Dataset{};
  if (eval_train == kEvalTrainAll || eval_train >= train.size()) return train;
  return train.first(eval_train);
}

TrialOutcome train(const Trial& trial, const TrainTestData& data, const TrialStart& start,
                   TrialObserver& observer, const std::atomic<bool>& stop, TrainingGroup& group) {
  const TrainingConfig& cfg = trial.config.training;
  // A group of one that was asked to stop while the trial was being handed out skips building
  // its model: VGG's at 224 pixels takes seconds to allocate and draw.
  const TrialOutcome stopped_before_start{
      TrialStatus::interrupted, start.resume ? start.resume->epoch : 0, kStoppedTrialMessage};
  if (group.size() == 1 && stop.load(std::memory_order_relaxed)) return stopped_before_start;
  const TrialData parts = split_trial_data(data, trial.config.dataset);
  const Dataset& train_set = parts.train;
  const Dataset train_eval_set = eval_train_set(train_set, cfg.eval_train);
  InputPipeline pipeline(trial.config.dataset, train_set.sample_shape());
  Model model = build_trial_model(trial, pipeline.sample_shape(), model_outputs(train_set.classes),
                                  start.init_from);
  if (group.size() == 1 && stop.load(std::memory_order_relaxed)) return stopped_before_start;
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(cfg);
  group.place_gradients(model);
  const std::unique_ptr<GradientReducer> reducer = group.make_reducer();

  Batch batch;
  Tensor doutputs;
  Objective objective;
  CheckpointData state = starting_state(trial, start, model, *optimizer);
  std::string observer_error;  // the observer failed (e.g. a checkpoint write): stop the group
  // A group of one abandons a step, or an epoch's evaluation, between two layers as soon as
  // `stop` is set (StepCancelled, caught below): nothing of the step is applied, and the trial
  // resumes from its last checkpoint as after a stop between steps. A rank of a larger group
  // cannot leave alone (its peers would wait for it in the next allreduce): the group stops at
  // its next step vote, after the forward pass of the current or the next step.
  const std::atomic<bool>* solo_stop = group.size() == 1 ? &stop : nullptr;
  try {
    for (int64_t epoch = state.epoch + 1; epoch <= cfg.epochs; ++epoch) {
      const EpochTimer timer;
      const std::vector<int64_t> order =
          epoch_order(train_set.size(), cfg.shuffle, trial.seed, epoch);
      double epoch_loss = 0, epoch_errors = 0;
      GradientNormStats norms;
      for (int64_t begin = 0; begin < train_set.size(); begin += cfg.batch_size) {
        const int64_t count = std::min(cfg.batch_size, train_set.size() - begin);
        const auto [first, last] = group_rows(count, group);
        const int64_t* ids = order.data() + begin + first;
        gather_batch(train_set, pipeline, ids, last - first, trial.seed, epoch, batch);
        const Tensor& outputs = model.forward(
            batch.inputs, BatchContext{Mode::train, trial.seed, epoch, ids,
                                       group.size() > 1 ? &group : nullptr, solo_stop});
        const ObjectiveSums local = objective.forward(outputs, batch.view());
        double step[] = {local.loss, local.error};
        if (auto end = sum_step_and_votes(group, step, stop, observer_error, epoch)) return *end;
        if (!std::isfinite(step[0]))
          return {TrialStatus::diverged, epoch,
                  "training loss became " + std::to_string(step[0]) + " in epoch " +
                      std::to_string(epoch)};
        epoch_loss += step[0];
        epoch_errors += step[1];
        // Each rank scales by the *global* batch, so the group's sum is the batch-mean gradient.
        objective.backward(outputs, batch.view(), 1.0f / static_cast<float>(count), doutputs);
        norms.add(
            backward_and_update(model, doutputs, *reducer, *optimizer, cfg, epoch, solo_stop));
      }
      const double train_seconds = timer.seconds();
      EpochMetrics metrics;
      for (const auto& [set, loss, error, name] :
           {std::tuple{&parts.test, &metrics.test_loss, &metrics.test_error, "test"},
            std::tuple{&parts.validation, &metrics.val_loss, &metrics.val_error, "validation"},
            std::tuple{&train_eval_set, &metrics.train_eval_loss, &metrics.train_eval_error,
                       "training (eval_train)"}}) {
        if (set->size() == 0) continue;
        const LossAndError result = evaluate(model, *set, pipeline, group, solo_stop);
        if (!std::isfinite(result.loss))
          return {TrialStatus::diverged, epoch,
                  std::string(name) + " loss became " + std::to_string(result.loss) + " in epoch " +
                      std::to_string(epoch)};
        *loss = result.loss;
        *error = result.error;
      }
      metrics.epoch = epoch;
      metrics.train_loss = epoch_loss / static_cast<double>(train_set.size());
      metrics.train_error = epoch_errors / static_cast<double>(train_set.size());
      add_epoch_figures(metrics, timer, static_cast<double>(train_set.size()), train_seconds,
                        *optimizer, norms);

      const auto snapshot = [&](CheckpointData& s, bool checkpoint_due) {
        s.params = snapshot_parameters(model);
        if (checkpoint_due) s.optimizer = optimizer->state();
      };
      if (auto end = end_epoch(trial, metrics, state, observer, observer_error, snapshot))
        return *end;
    }
  } catch (const StepCancelled&) {
    // state.epoch: the last epoch end_epoch saw, as for a stop between steps.
    return {TrialStatus::interrupted, state.epoch, kStoppedTrialMessage};
  }
  return after_last_epoch(cfg, observer_error);
}

}  // namespace

std::vector<int64_t> epoch_order(int64_t samples, bool shuffle, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(samples);
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle) return order;
  Rng rng(counter_hash({seed, kShuffleStream, static_cast<uint64_t>(epoch)}));
  for (int64_t i = samples - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  return order;
}

int64_t model_outputs(int64_t classes) {
  return classes > 0 ? classes : 1;
}

Model build_trial_model(const Trial& trial, const Shape& sample_shape, int64_t outputs,
                        const CheckpointData* init) {
  const ModelConfig& m = trial.config.model;
  const FinetuneConfig& finetune = trial.config.training.finetune;
  Model model = build_model(m, sample_shape, outputs);
  apply_finetune(model, finetune);
  // Drawn whole even when a checkpoint follows: the reinitialized layers get what a fresh
  // model of this seed has there, whatever the checkpoint held.
  if (!init || !finetune.reinit.empty())
    initialize_parameters(model, parse_init_scheme(m.init), m.init_sigma,
                          counter_hash({trial.seed, kInitStream}));
  if (init) load_parameters(model, init->params, finetune.from, finetune.reinit);
  return model;
}

TrialOutcome run_trial(const Trial& trial, const TrainTestData& data, const TrialStart& start,
                       TrialObserver& observer, const std::atomic<bool>& stop,
                       TrainingGroup& group) {
  try {
    if (data.text) return train_language_model(trial, *data.text, start, observer, stop, group);
    if (find_dataset_type(trial.config.dataset.name)->detection)
      return train_detector(trial, data, start, observer, stop, group);
    return train(trial, data, start, observer, stop, group);
  } catch (const std::exception& e) {
    // One rank of several cannot fail the trial alone: its peers would wait for it in the
    // group's next collective. The error ends the job instead (cluster/job_watch.h); a rerun
    // resumes.
    if (group.size() > 1) throw;
    return {TrialStatus::failed, 0, e.what()};
  }
}

TrialOutcome run_trial_of_its_type(const Trial& trial, const DataCatalog& catalog,
                                   const TrialStart& start, TrialObserver& observer,
                                   const std::atomic<bool>& stop, TrainingGroup& group) {
  if (trial.config.model.simulated())
    return run_simulated_trial(trial, start, observer, stop, group);
  if (trial.config.model.runs_program())
    return run_command_trial(trial, start, observer, stop, group);
  return run_trial(trial, catalog.at(dataset_key(trial.config.dataset)), start, observer, stop,
                   group);
}

}  // namespace hpsweep
