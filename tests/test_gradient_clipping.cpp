// training.clip_norm (worker/gradient_clipping.h, worker/parameter_update.h): the global norm on
// a hand-computed case, torch's coefficient, frozen parameters left out, a clipped step equal to
// an unclipped one at the correspondingly smaller rate (for an MLP: any model type clips), and
// the grad_norm curves equal to the norm of the gradient computed here independently.
#include <gtest/gtest.h>

#include <cmath>

#include "common/spec.h"
#include "coordinator/search_space.h"
#include "worker/data/dataset.h"
#include "worker/gradient_clipping.h"
#include "worker/layers/dense_layer.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

class Recorder : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData> c) override {
    metrics.push_back(m);
    if (c) checkpoints.push_back(std::move(*c));
  }
  std::vector<EpochMetrics> metrics;
  std::vector<CheckpointData> checkpoints;
};

// Linear(2, 1) with gradients weight [3, 4] and bias [12]: global norm 13.
Model model_with_gradients() {
  Model model;
  model.add(std::make_unique<DenseLayer>(2, 1));
  model.pack_gradients();
  const std::vector<NamedParameter>& p = model.parameters();
  p[0].parameter->grad[0] = 3;
  p[0].parameter->grad[1] = 4;
  p[1].parameter->grad[0] = 12;
  return model;
}

TEST(GradientClipping, TheGlobalNormAndTorchsCoefficient) {
  Model model = model_with_gradients();
  EXPECT_DOUBLE_EQ(gradient_norm(model), 13.0);
  clip_gradients(model, 20, 13);  // below the threshold: untouched
  EXPECT_EQ(model.parameters()[0].parameter->grad[0], 3.0f);
  clip_gradients(model, 6.5, 13);
  const float scale = static_cast<float>(6.5 / (13 + 1e-6));
  EXPECT_EQ(model.parameters()[0].parameter->grad[0], 3.0f * scale);
  EXPECT_EQ(model.parameters()[0].parameter->grad[1], 4.0f * scale);
  EXPECT_EQ(model.parameters()[1].parameter->grad[0], 12.0f * scale);
  EXPECT_NEAR(gradient_norm(model), 6.5, 1e-5);
}

TEST(GradientClipping, FrozenParametersTakeNoPart) {
  Model model = model_with_gradients();
  model.parameters()[1].parameter->frozen = true;
  EXPECT_DOUBLE_EQ(gradient_norm(model), 5.0);
  clip_gradients(model, 2.5, 5);
  EXPECT_EQ(model.parameters()[1].parameter->grad[0], 12.0f);
  EXPECT_NEAR(model.parameters()[0].parameter->grad[1], 2.0f, 1e-6);
}

// One update per epoch: the batch is the whole training part of d2l's polynomial set.
Trial one_step_trial(const std::string& model, double lr, double clip_norm) {
  Trial trial =
      expand_trials(parse_spec("seed: 2\nmethod: grid\ndataset: {name: polynomial}\n"
                               "model: {type: " +
                                   model +
                                   ", width: 16, init: xavier}\n"
                                   "training: {epochs: 1, batch_size: 100}\n",
                               "clip.yaml"))[0];
  trial.config.training.lr = lr;
  trial.config.training.clip_norm = clip_norm;
  return trial;
}

std::pair<EpochMetrics, CheckpointData> train(const Trial& trial) {
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder recorder;
  EXPECT_EQ(run_trial(trial, data, {}, recorder, never, solo).status, TrialStatus::completed);
  return {recorder.metrics.at(0), recorder.checkpoints.at(0)};
}

TEST(GradientClipping, AClippedStepIsAStepAtTheScaledRate) {
  const double lr = 0.05;
  const auto [unclipped, plain] = train(one_step_trial("mlp", lr, 0));
  const double norm = unclipped.grad_norm_mean;
  ASSERT_GT(norm, 1.0);
  EXPECT_EQ(unclipped.grad_norm_max, norm) << "one update: its norm is the mean and the max";

  const double clip = norm / 4;
  const auto [clipped, clipped_params] = train(one_step_trial("mlp", lr, clip));
  EXPECT_EQ(clipped.grad_norm_mean, norm) << "the curve holds the norm before clipping";
  const auto [scaled, scaled_params] = train(one_step_trial("mlp", lr * clip / (norm + 1e-6), 0));
  ASSERT_EQ(clipped_params.params.size(), scaled_params.params.size());
  for (size_t p = 0; p < clipped_params.params.size(); ++p) {
    const Tensor& a = clipped_params.params[p].tensor;
    const Tensor& b = scaled_params.params[p].tensor;
    for (int64_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-6 + 1e-5 * std::abs(b[i])) << clipped_params.params[p].name;
  }
  const auto [no_bite, no_bite_params] = train(one_step_trial("mlp", lr, norm * 2));
  for (size_t p = 0; p < plain.params.size(); ++p)
    for (int64_t i = 0; i < plain.params[p].tensor.size(); ++i)
      ASSERT_EQ(no_bite_params.params[p].tensor[i], plain.params[p].tensor[i])
          << "a threshold above the norm changes nothing";
}

TEST(GradientClipping, TheNormCurveIsTheGradientsNorm) {
  // linear on the polynomial set: y = x w + b, loss (y - t)^2 / 2 averaged over the 100
  // samples, so dL/dw = sum (y - t) x / 100 and dL/db = sum (y - t) / 100, from the initial
  // parameters (the trial's seed draws the same ones here).
  const Trial trial = one_step_trial("linear", 0.01, 0);
  const TrainTestData data = load_dataset(trial.config.dataset);
  const Model model = build_trial_model(trial, data.train.sample_shape(), 1, nullptr);
  const Tensor& w = model.parameters()[0].parameter->value;
  const float b = model.parameters()[1].parameter->value[0];
  const int64_t n = data.train.size(), features = w.size();
  std::vector<double> grad(features + 1, 0.0);
  for (int64_t s = 0; s < n; ++s) {
    double y = b;
    for (int64_t f = 0; f < features; ++f) y += w[f] * data.train.inputs[s * features + f];
    const double d = (y - data.train.targets[s]) / static_cast<double>(n);
    for (int64_t f = 0; f < features; ++f) grad[f] += d * data.train.inputs[s * features + f];
    grad[features] += d;
  }
  double squares = 0;
  for (double g : grad) squares += g * g;
  const EpochMetrics m = train(trial).first;
  EXPECT_NEAR(m.grad_norm_mean, std::sqrt(squares), 1e-5 * std::sqrt(squares));
  EXPECT_EQ(m.grad_norm_max, m.grad_norm_mean);
  EXPECT_TRUE(std::isnan(m.train_perplexity)) << "perplexity is for language models";
}

}  // namespace
}  // namespace hpsweep::testing
