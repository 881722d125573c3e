#include "worker/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "common/error.h"
#include "common/rng.h"
#include "worker/initializer.h"
#include "worker/kernels/softmax_cross_entropy.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"
#include "worker/sgd.h"

namespace hpsweep {
namespace {

constexpr uint64_t kInitStream = 0x696e6974;     // "init"
constexpr uint64_t kShuffleStream = 0x73687566;  // "shuf"
constexpr int64_t kEvalBatch = 1000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The order in which an epoch visits the training samples: a function of the trial seed and
// the epoch only, so a resumed or re-split trial sees the same order.
std::vector<int64_t> epoch_order(int64_t samples, bool shuffle, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(samples);
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle) return order;
  Rng rng(counter_hash({seed, kShuffleStream, static_cast<uint64_t>(epoch)}));
  for (int64_t i = samples - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  return order;
}

// Copies the samples order[begin, end) into a contiguous minibatch.
void gather_batch(const ImageDataset& set, const int64_t* ids, int64_t count, Tensor& images,
                  std::vector<int32_t>& labels) {
  Shape shape = set.images.shape();
  shape[0] = count;
  images.resize(shape);
  labels.resize(count);
  const int64_t row = set.images.size() / set.size();
  for (int64_t i = 0; i < count; ++i) {
    const float* src = set.images.data() + ids[i] * row;
    std::copy(src, src + row, images.data() + i * row);
    labels[i] = set.labels[ids[i]];
  }
}

struct LossAndError {
  double loss, error;
};

LossAndError evaluate(Model& model, const ImageDataset& set) {
  LossSums total;
  Tensor probabilities;
  for (int64_t begin = 0; begin < set.size(); begin += kEvalBatch) {
    const int64_t end = std::min(set.size(), begin + kEvalBatch);
    const Tensor& logits = model.forward(set.images.rows(begin, end), BatchContext{Mode::eval});
    probabilities.resize(logits.shape());
    const LossSums sums = softmax_cross_entropy_forward(
        logits.data(), set.labels.data() + begin, end - begin, logits.dim(1), probabilities.data());
    total.loss += sums.loss;
    total.errors += sums.errors;
  }
  const double n = static_cast<double>(set.size());
  return {total.loss / n, static_cast<double>(total.errors) / n};
}

ImageDataset subset(const ImageDataset& set, int64_t n, const char* key) {
  if (n == 0) return set;
  if (n > set.size())
    throw UserError(std::string(key) + ": " + std::to_string(n) + " is more than the " +
                    std::to_string(set.size()) + " samples available");
  return set.first(n);
}

bool improves(double value, double best, bool minimize) {
  return minimize ? value < best : value > best;
}

TrialOutcome train(const Trial& trial, const TrainTestData& data, const CheckpointData* init,
                   TrialObserver& observer, const std::atomic<bool>& stop) {
  const TrainingConfig& cfg = trial.config.training;
  const ImageDataset train_set =
      subset(data.train, trial.config.dataset.train_subset, "dataset.train_subset");
  const ImageDataset test_set =
      subset(data.test, trial.config.dataset.test_subset, "dataset.test_subset");
  Model model = build_trial_model(trial, train_set, init);
  Sgd sgd(cfg.lr, cfg.weight_decay);

  Tensor images, dlogits, probabilities;
  std::vector<int32_t> labels;
  CheckpointData state;
  state.trial_id = trial.id;
  state.seed = trial.seed;
  state.metric_name = trial.metric.name;
  for (int64_t epoch = 1; epoch <= cfg.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const std::vector<int64_t> order =
        epoch_order(train_set.size(), cfg.shuffle, trial.seed, epoch);
    LossSums sums;
    for (int64_t begin = 0; begin < train_set.size(); begin += cfg.batch_size) {
      if (stop.load(std::memory_order_relaxed))
        return {TrialStatus::interrupted, epoch - 1, "stopped by the user"};
      const int64_t count = std::min(cfg.batch_size, train_set.size() - begin);
      gather_batch(train_set, order.data() + begin, count, images, labels);
      const BatchContext context{Mode::train, trial.seed, epoch, order.data() + begin};
      const Tensor& logits = model.forward(images, context);
      probabilities.resize(logits.shape());
      const LossSums batch = softmax_cross_entropy_forward(logits.data(), labels.data(), count,
                                                           logits.dim(1), probabilities.data());
      if (!std::isfinite(batch.loss))
        return {TrialStatus::diverged, epoch,
                "training loss became " + std::to_string(batch.loss) + " in epoch " +
                    std::to_string(epoch)};
      sums.loss += batch.loss;
      sums.errors += batch.errors;
      dlogits.resize(logits.shape());
      softmax_cross_entropy_backward(probabilities.data(), labels.data(), count, logits.dim(1),
                                     1.0f / static_cast<float>(count), dlogits.data());
      model.backward(dlogits);
      sgd.step(model);
    }
    const double train_seconds = seconds_since(epoch_start);
    const LossAndError test = evaluate(model, test_set);
    if (!std::isfinite(test.loss))
      return {
          TrialStatus::diverged, epoch,
          "test loss became " + std::to_string(test.loss) + " in epoch " + std::to_string(epoch)};
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.train_loss = sums.loss / static_cast<double>(train_set.size());
    metrics.train_error = static_cast<double>(sums.errors) / static_cast<double>(train_set.size());
    metrics.test_loss = test.loss;
    metrics.test_error = test.error;
    metrics.wall_seconds = seconds_since(epoch_start);
    metrics.samples_per_second = static_cast<double>(train_set.size()) / train_seconds;

    state.epoch = epoch;
    state.params = snapshot_parameters(model);
    const double value = curve_value(metrics, trial.metric.name);
    if (epoch == 1 || improves(value, state.best_metric, trial.metric.minimize)) {
      state.best_epoch = epoch;
      state.best_metric = value;
      state.best_params = state.params;  // shares the snapshot's storage; both are read-only
    }
    state.optimizer = {"sgd", sgd.lr(), sgd.weight_decay(), sgd.steps(), {}};
    observer.on_epoch(metrics, state);
  }
  return {TrialStatus::completed, cfg.epochs, ""};
}

}  // namespace

Model build_trial_model(const Trial& trial, const ImageDataset& train, const CheckpointData* init) {
  const ModelConfig& m = trial.config.model;
  Model model = build_model(m, train.sample_shape(), train.classes);
  if (init) {
    load_parameters(model, init->params, trial.config.training.init_from);
  } else {
    initialize_parameters(model, parse_init_scheme(m.init), m.init_sigma,
                          counter_hash({trial.seed, kInitStream}));
  }
  return model;
}

TrialOutcome run_trial(const Trial& trial, const TrainTestData& data, const CheckpointData* init,
                       TrialObserver& observer, const std::atomic<bool>& stop) {
  try {
    return train(trial, data, init, observer, stop);
  } catch (const std::exception& e) {
    return {TrialStatus::failed, 0, e.what()};
  }
}

}  // namespace hpsweep
