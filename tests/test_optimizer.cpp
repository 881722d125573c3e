// Optimizers: SGD's weight decay, momentum and Adam against hand-computed values and a
// reference loop in double, and their state exported and loaded (what resuming relies on).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "common/error.h"
#include "worker/adam.h"
#include "worker/model_factory.h"
#include "worker/sgd.h"

namespace hpsweep::testing {
namespace {

// Flatten, Linear(4, 3): a weight [3, 4] (decayed) and a bias [3] (not decayed).
Model small_model() {
  ModelConfig config;
  config.type = "softmax";
  return build_model(config, {1, 2, 2}, 3);
}

Parameter& weight(const Model& model) {
  return *model.parameters()[0].parameter;
}
Parameter& bias(const Model& model) {
  return *model.parameters()[1].parameter;
}

void fill(const Model& model, float value, float grad) {
  for (const NamedParameter& p : model.parameters()) {
    p.parameter->value.fill(value);
    p.parameter->grad.fill(grad);
  }
}

// A gradient that differs per step, parameter and element, with both signs.
float gradient(int step, size_t param, int64_t i) {
  return static_cast<float>(std::sin(1.0 + 7.0 * step + 3.0 * param + 0.7 * i));
}

void set_gradients(const Model& model, int step) {
  const auto& params = model.parameters();
  for (size_t k = 0; k < params.size(); ++k)
    for (int64_t i = 0; i < params[k].parameter->grad.size(); ++i)
      params[k].parameter->grad[i] = gradient(step, k, i);
}

TEST(Sgd, WeightDecayAppliesToWeightsNotBiases) {
  Model model = small_model();
  fill(model, 1.0f, 0.5f);
  Sgd sgd(0.1, 0.2);
  sgd.step(model);
  // weight: 1 - 0.1 * (0.5 + 0.2 * 1) = 0.93; bias: 1 - 0.1 * 0.5 = 0.95
  EXPECT_FLOAT_EQ(weight(model).value[0], 0.93f);
  EXPECT_FLOAT_EQ(bias(model).value[0], 0.95f);
  EXPECT_EQ(sgd.steps(), 1);
  EXPECT_TRUE(sgd.state().buffers.empty()) << "plain SGD keeps no state";
}

TEST(Sgd, MomentumMatchesHandComputedSteps) {
  Model model = small_model();
  fill(model, 1.0f, 0.5f);
  Sgd sgd(0.1, 0.2, 0.9);
  sgd.step(model);
  // weight: g = 0.5 + 0.2 * 1 = 0.7, v = 0.7, w = 1 - 0.07 = 0.93; bias: v = 0.5, b = 0.95
  EXPECT_NEAR(weight(model).value[0], 0.93, 1e-6);
  EXPECT_NEAR(bias(model).value[0], 0.95, 1e-6);
  sgd.step(model);
  // weight: g = 0.5 + 0.2 * 0.93 = 0.686, v = 0.9 * 0.7 + 0.686 = 1.316, w = 0.93 - 0.1316
  // bias: v = 0.9 * 0.5 + 0.5 = 0.95, b = 0.95 - 0.095
  EXPECT_NEAR(weight(model).value[0], 0.7984, 1e-6);
  EXPECT_NEAR(bias(model).value[0], 0.855, 1e-6);
  const OptimizerState state = sgd.state();
  ASSERT_EQ(state.buffers.size(), 1u);
  EXPECT_EQ(state.buffers[0].kind, "momentum_buffer");
  EXPECT_EQ(state.buffers[0].tensors[0].name, "1.weight");
  EXPECT_NEAR(state.buffers[0].tensors[0].tensor[0], 1.316, 1e-6);
  EXPECT_NEAR(state.buffers[0].tensors[1].tensor[0], 0.95, 1e-6);
}

TEST(Adam, FirstStepMovesEachParameterByAboutLr) {
  Model model = small_model();
  fill(model, 1.0f, 0.5f);
  Adam adam(0.01, 0.2, 0.9, 0.999, 1e-8);
  adam.step(model);
  // m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps); g = 0.7 for the weight.
  EXPECT_NEAR(weight(model).value[0], 1 - 0.01 * 0.7 / (0.7 + 1e-8), 1e-7);
  EXPECT_NEAR(bias(model).value[0], 1 - 0.01 * 0.5 / (0.5 + 1e-8), 1e-7);
}

// Five steps of `optimizer` against `reference`, which updates one value in double given
// (weight, gradient, decayed, step, element state) and returns the new weight.
using Reference = std::function<double(double, double, bool, int, double*)>;

void expect_reference(Optimizer& optimizer, const Reference& reference, int states) {
  Model model = small_model();
  fill(model, 0.5f, 0.0f);
  const auto& params = model.parameters();
  std::vector<std::vector<double>> w(params.size()), state(params.size());
  for (size_t k = 0; k < params.size(); ++k) {
    w[k].assign(params[k].parameter->value.size(), 0.5);
    state[k].assign(w[k].size() * states, 0.0);
  }
  for (int step = 1; step <= 5; ++step) {
    set_gradients(model, step);
    optimizer.step(model);
    for (size_t k = 0; k < params.size(); ++k)
      for (size_t i = 0; i < w[k].size(); ++i) {
        w[k][i] = reference(w[k][i], gradient(step, k, i), params[k].parameter->decay, step,
                            &state[k][i * states]);
        EXPECT_NEAR(params[k].parameter->value[i], w[k][i], 2e-6)
            << params[k].name << "[" << i << "] at step " << step;
      }
  }
}

TEST(Sgd, MomentumMatchesAReferenceLoop) {
  const double lr = 0.05, wd = 0.01, mu = 0.8;
  Sgd sgd(lr, wd, mu);
  expect_reference(
      sgd,
      [&](double w, double g, bool decay, int, double* v) {
        if (decay) g += wd * w;
        *v = mu * *v + g;
        return w - lr * *v;
      },
      1);
}

TEST(Adam, MatchesAReferenceLoop) {
  const double lr = 0.01, wd = 0.01, b1 = 0.8, b2 = 0.95, eps = 1e-6;
  Adam adam(lr, wd, b1, b2, eps);
  expect_reference(
      adam,
      [&](double w, double g, bool decay, int t, double* mv) {
        if (decay) g += wd * w;
        mv[0] = b1 * mv[0] + (1 - b1) * g;
        mv[1] = b2 * mv[1] + (1 - b2) * g * g;
        const double m_hat = mv[0] / (1 - std::pow(b1, t)), v_hat = mv[1] / (1 - std::pow(b2, t));
        return w - lr * m_hat / (std::sqrt(v_hat) + eps);
      },
      2);
}

// Three steps, the state into a fresh optimizer, two more steps: bitwise as five steps in one.
void expect_state_continues(const std::function<std::unique_ptr<Optimizer>()>& make) {
  Model whole = small_model(), resumed = small_model();
  fill(whole, 0.5f, 0.0f);
  fill(resumed, 0.5f, 0.0f);
  const std::unique_ptr<Optimizer> a = make(), first = make(), second = make();
  for (int step = 1; step <= 3; ++step) {
    set_gradients(whole, step);
    a->step(whole);
    set_gradients(resumed, step);
    first->step(resumed);
  }
  second->load_state(first->state(), resumed, "test");
  EXPECT_EQ(second->steps(), 3);
  for (int step = 4; step <= 5; ++step) {
    set_gradients(whole, step);
    a->step(whole);
    set_gradients(resumed, step);
    second->step(resumed);
  }
  for (size_t k = 0; k < whole.parameters().size(); ++k)
    for (int64_t i = 0; i < whole.parameters()[k].parameter->value.size(); ++i)
      ASSERT_EQ(whole.parameters()[k].parameter->value[i],
                resumed.parameters()[k].parameter->value[i]);
}

TEST(Optimizer, LoadedStateContinuesBitwise) {
  expect_state_continues([] { return std::make_unique<Sgd>(0.05, 0.01, 0.9); });
  expect_state_continues([] { return std::make_unique<Adam>(0.01, 0.01, 0.9, 0.999, 1e-8); });
}

TEST(Optimizer, FactoryFollowsTheConfig) {
  TrainingConfig config;
  EXPECT_EQ(make_optimizer(config)->state().type, "sgd");
  config.optimizer = "adam";
  config.beta2 = 0.99;
  const OptimizerState state = make_optimizer(config)->state();
  EXPECT_EQ(state.type, "adam");
  EXPECT_EQ(state.beta1, 0.9);
  EXPECT_EQ(state.beta2, 0.99);
  EXPECT_EQ(state.eps, 1e-8);
}

std::string load_error(Optimizer& optimizer, const OptimizerState& state) {
  try {
    optimizer.load_state(state, small_model(), "c.h5");
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Optimizer, LoadingRefusesAnotherOptimizerOrMissingState) {
  OptimizerState old_sgd;  // a checkpoint from before momentum: no buffers
  old_sgd.steps = 24;
  Sgd plain(0.1, 0);
  EXPECT_EQ(load_error(plain, old_sgd), "no error");
  EXPECT_EQ(plain.steps(), 24);

  Sgd momentum(0.1, 0, 0.9);
  EXPECT_EQ(load_error(momentum, old_sgd), "c.h5: optimizer state momentum_buffer is missing");
  Adam adam(0.01, 0, 0.9, 0.999, 1e-8);
  EXPECT_EQ(load_error(adam, old_sgd), "c.h5: the optimizer is sgd, the trial's adam");

  OptimizerState partial = old_sgd;
  partial.buffers.push_back({"momentum_buffer", {{"1.weight", Tensor({3, 4})}}});
  EXPECT_EQ(load_error(momentum, partial), "c.h5: optimizer state momentum_buffer has no 1.bias");
  partial.buffers[0].tensors.push_back({"1.bias", Tensor({4})});
  EXPECT_EQ(load_error(momentum, partial),
            "c.h5: optimizer state momentum_buffer: 1.bias has shape [4], the parameter [3]");
}

}  // namespace
}  // namespace hpsweep::testing
