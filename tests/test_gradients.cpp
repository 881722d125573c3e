// Every layer and the loss against finite differences, through the one harness.
#include <gtest/gtest.h>

#include <numeric>

#include "support/gradient_check.h"
#include "worker/initializer.h"
#include "worker/kernels/softmax_cross_entropy.h"
#include "worker/layers/activation_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/dropout_layer.h"
#include "worker/layers/flatten_layer.h"
#include "worker/model_factory.h"

namespace hpsweep::testing {
namespace {

std::vector<int64_t> sample_ids(int64_t n, int64_t first = 0) {
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

TEST(Gradients, Dense) {
  DenseLayer layer(7, 5);
  layer.parameters()[0]->value = random_tensor({5, 7}, 1);
  layer.parameters()[1]->value = random_tensor({5}, 2);
  expect_layer_gradients(layer, random_tensor({4, 7}, 3), BatchContext{Mode::train});
}

TEST(Gradients, ReLUAwayFromTheKink) {
  ActivationLayer layer(Activation::relu);
  expect_layer_gradients(layer, random_tensor({3, 11}, 4, /*kink_margin=*/0.05),
                         BatchContext{Mode::train});
}

TEST(Gradients, Sigmoid) {
  ActivationLayer layer(Activation::sigmoid);
  expect_layer_gradients(layer, random_tensor({3, 11}, 5), BatchContext{Mode::train});
}

TEST(Gradients, Tanh) {
  ActivationLayer layer(Activation::tanh);
  expect_layer_gradients(layer, random_tensor({3, 11}, 6), BatchContext{Mode::train});
}

TEST(Gradients, DropoutWithAFixedMask) {
  // The mask is a function of (seed, layer, epoch, sample id, feature): every forward pass of
  // the harness in this context draws the same mask.
  DropoutLayer layer(0.5);
  const std::vector<int64_t> ids = sample_ids(6);
  const BatchContext context{Mode::train, 17, 3, ids.data()};
  expect_layer_gradients(layer, random_tensor({6, 9}, 7), context);
  int64_t dropped = 0;
  for (int64_t i = 0; i < layer.mask().size(); ++i) dropped += layer.mask()[i] == 0.0f;
  EXPECT_GT(dropped, 0) << "the check must cover dropped elements";
  EXPECT_LT(dropped, layer.mask().size()) << "the check must cover kept elements";
}

TEST(Gradients, Flatten) {
  FlattenLayer layer;
  expect_layer_gradients(layer, random_tensor({2, 3, 4, 5}, 8), BatchContext{Mode::train});
}

TEST(Gradients, SoftmaxCrossEntropy) {
  const int64_t batch = 5, classes = 4;
  Tensor logits = random_tensor({batch, classes}, 9);
  for (int64_t i = 0; i < logits.size(); ++i) logits[i] *= 3.0f;
  const std::vector<int32_t> labels = {0, 3, 1, 1, 2};
  Tensor probabilities({batch, classes}), analytic({batch, classes});
  auto mean_loss = [&] {
    return softmax_cross_entropy_forward(logits.data(), labels.data(), batch, classes,
                                         probabilities.data())
               .loss /
           batch;
  };
  mean_loss();
  softmax_cross_entropy_backward(probabilities.data(), labels.data(), batch, classes, 1.0f / batch,
                                 analytic.data());
  expect_gradient_matches("softmax cross-entropy logits", logits, analytic, mean_loss);
}

TEST(Gradients, WholeMlpWithDropoutAndSigmoid) {
  ModelConfig config;
  config.depth = 2;
  config.width = 6;
  config.dropout = 0.3;
  config.activation = "sigmoid";
  Model model = build_model(config, {1, 3, 3}, 4);
  initialize_parameters(model, InitScheme::xavier, 0, 5);
  Tensor x = random_tensor({5, 1, 3, 3}, 10);
  const std::vector<int32_t> labels = {0, 1, 2, 3, 0};
  const std::vector<int64_t> ids = sample_ids(5, 100);
  const BatchContext context{Mode::train, 3, 1, ids.data()};
  Tensor probabilities({5, 4}), dlogits({5, 4});
  auto loss = [&] {
    const Tensor& logits = model.forward(x, context);
    return softmax_cross_entropy_forward(logits.data(), labels.data(), 5, 4, probabilities.data())
               .loss /
           5;
  };
  loss();
  softmax_cross_entropy_backward(probabilities.data(), labels.data(), 5, 4, 1.0f / 5,
                                 dlogits.data());
  LocalReducer reducer;
  model.backward(dlogits, reducer);
  for (const NamedParameter& p : model.parameters()) {
    const Tensor analytic = p.parameter->grad.clone();
    expect_gradient_matches(p.name, p.parameter->value, analytic, loss);
  }
}

}  // namespace
}  // namespace hpsweep::testing
