#include "worker/language_model_trainer.h"

#include <cmath>
#include <limits>

#include "common/error.h"
#include "worker/data/sequence_batches.h"
#include "worker/data/text_dataset.h"
#include "worker/epoch_end.h"
#include "worker/layers/recurrent_layer.h"
#include "worker/model_state.h"
#include "worker/models/rnn_lm.h"
#include "worker/objective.h"
#include "worker/optimizer.h"
#include "worker/parameter_update.h"
#include "worker/training_step.h"

namespace hpsweep {
namespace {

// Rows of `steps` tokens starting at row_start(r) for r in [0, rows), time-major: the inputs
// [steps, rows] as floats and the next tokens as labels, label t * rows + r after input
// t * rows + r, in the order of the model's [T * B, V] outputs.
struct TimeMajorBatch {
  Tensor inputs;
  std::vector<int32_t> labels;

  template <typename RowStart>
  void fill(const std::vector<int32_t>& tokens, int64_t rows, int64_t steps, RowStart row_start) {
    inputs.resize({steps, rows});
    labels.resize(steps * rows);
    for (int64_t r = 0; r < rows; ++r) {
      const int32_t* from = tokens.data() + row_start(r);
      for (int64_t t = 0; t < steps; ++t) {
        inputs[t * rows + r] = static_cast<float>(from[t]);
        labels[t * rows + r] = from[t + 1];
      }
    }
  }
  BatchTargets targets() const { return {labels.data(), nullptr}; }
};

struct StreamLoss {
  double loss = kNoValue, error = kNoValue;  // per predicted token; NaN with none
};

// The test part, read as the header describes, in evaluation mode. Leaves the recurrent
// layer's initial state set to zeros.
StreamLoss evaluate_stream(Model& model, RecurrentLayer& rnn, const std::vector<int32_t>& ids,
                           int64_t batch_size, int64_t num_steps, TrainingGroup& group,
                           const std::atomic<bool>* stop) {
  const int64_t count = static_cast<int64_t>(ids.size());
  if (count < 2) return {};
  const int64_t rows = std::min(batch_size, count - 1);
  const int64_t length = (count - 1) / rows;
  const auto [first, last] = group_rows(rows, group);
  double sums[2] = {0, 0};  // loss, errors
  Objective objective;
  TimeMajorBatch batch;
  rnn.set_initial_state({});
  for (int64_t begin = 0; begin < length; begin += num_steps) {
    const int64_t steps = std::min(num_steps, length - begin);
    if (first < last) {
      batch.fill(ids, last - first, steps, [&](int64_t r) { return (first + r) * length + begin; });
      const Tensor& outputs =
          model.forward(batch.inputs, BatchContext{.mode = Mode::eval, .stop = stop});
      const ObjectiveSums chunk = objective.forward(outputs, batch.targets());
      sums[0] += chunk.loss;
      sums[1] += chunk.error;
      rnn.set_initial_state(rnn.final_state().clone());
    }
  }
  rnn.set_initial_state({});
  group.sum(sums, 2);
  const double tokens = static_cast<double>(rows * length);
  return {sums[0] / tokens, sums[1] / tokens};
}

// Exploding gradients leave a language model's loss finite (the softmax's log-sum-exp keeps it
// so) but huge: past log(DBL_MAX) ~ 709.8 nats per token its perplexity is infinite, and the
// trial is as broken as one whose loss is not a number.
bool diverged(double loss_per_token) {
  return !(loss_per_token <= std::log(std::numeric_limits<double>::max()));
}

}  // namespace

TrialOutcome train_language_model(const Trial& trial, const TextCorpus& corpus,
                                  const TrialStart& start, TrialObserver& observer,
                                  const std::atomic<bool>& stop, TrainingGroup& group) {
  const TrainingConfig& cfg = trial.config.training;
  const SequenceBatchConfig batches = sequence_batch_config(trial.config, trial.seed);
  check_sequence_batches(static_cast<int64_t>(corpus.train_ids.size()), batches);
  Model model = build_trial_model(trial, {1}, corpus.vocabulary.size(), start.init_from);
  RecurrentLayer& rnn = rnn_lm_recurrent_layer(model);
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(cfg);
  group.place_gradients(model);
  const std::unique_ptr<GradientReducer> reducer = group.make_reducer();

  CheckpointData state = starting_state(trial, start, model, *optimizer);
  std::string observer_error;
  // As in run_trial: a group of one abandons a step between layers when `stop` is set.
  const std::atomic<bool>* solo_stop = group.size() == 1 ? &stop : nullptr;
  const bool carry_state = batches.sampling == SequenceSampling::sequential;
  const auto [first, last] = group_rows(cfg.batch_size, group);
  const int64_t steps = cfg.num_steps;
  const float token_scale = 1.0f / static_cast<float>(cfg.batch_size * steps);
  TimeMajorBatch batch;
  std::vector<int64_t> sample_ids(last - first);
  Objective objective;
  Tensor doutputs;
  try {
    for (int64_t epoch = state.epoch + 1; epoch <= cfg.epochs; ++epoch) {
      const EpochTimer timer;
      const SequenceEpoch plan(corpus.train_ids, batches, epoch);
      double epoch_loss = 0, epoch_errors = 0;
      GradientNormStats norms;
      rnn.set_initial_state({});
      for (int64_t b = 0; b < plan.batches(); ++b) {
        batch.fill(corpus.train_ids, last - first, steps,
                   [&](int64_t r) { return plan.row_start(b, first + r); });
        // Dropout masks follow a sequence's place in the global batch, whatever the ranks.
        for (int64_t r = 0; r < last - first; ++r) sample_ids[r] = b * cfg.batch_size + first + r;
        if (!carry_state) rnn.set_initial_state({});
        const Tensor& outputs = model.forward(
            batch.inputs, BatchContext{Mode::train, trial.seed, epoch, sample_ids.data(),
                                       group.size() > 1 ? &group : nullptr, solo_stop});
        const ObjectiveSums local = objective.forward(outputs, batch.targets());
        double step[] = {local.loss, local.error};
        if (auto end = sum_step_and_votes(group, step, stop, observer_error, epoch)) return *end;
        const double token_loss = step[0] / static_cast<double>(cfg.batch_size * steps);
        if (diverged(token_loss))
          return {TrialStatus::diverged, epoch,
                  "training loss became " + std::to_string(token_loss) +
                      " per token (perplexity beyond a double) in epoch " + std::to_string(epoch)};
        epoch_loss += step[0];
        epoch_errors += step[1];
        objective.backward(outputs, batch.targets(), token_scale, doutputs);
        norms.add(
            backward_and_update(model, doutputs, *reducer, *optimizer, cfg, epoch, solo_stop));
        if (carry_state) rnn.set_initial_state(rnn.final_state().clone());  // the detach
      }
      const double train_seconds = timer.seconds();
      const double train_tokens = static_cast<double>(plan.batches() * cfg.batch_size * steps);
      EpochMetrics metrics;
      metrics.epoch = epoch;
      metrics.train_loss = epoch_loss / train_tokens;
      metrics.train_error = epoch_errors / train_tokens;
      metrics.train_perplexity = std::exp(metrics.train_loss);
      const StreamLoss test =
          evaluate_stream(model, rnn, corpus.test_ids, cfg.batch_size, steps, group, solo_stop);
      if (corpus.test_ids.size() >= 2 && diverged(test.loss))
        return {TrialStatus::diverged, epoch,
                "test loss became " + std::to_string(test.loss) +
                    " per token (perplexity beyond a double) in epoch " + std::to_string(epoch)};
      metrics.test_loss = test.loss;
      metrics.test_error = test.error;
      metrics.test_perplexity = std::exp(test.loss);
      add_epoch_figures(metrics, timer, train_tokens, train_seconds, *optimizer, norms);
      const auto snapshot = [&](CheckpointData& s, bool checkpoint_due) {
        s.params = snapshot_parameters(model);
        if (checkpoint_due) s.optimizer = optimizer->state();
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
