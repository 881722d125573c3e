// tiny-ssd (d2l 14.7): the book's shapes and 5,444 anchors at 256 pixels, the registry's
// parameter count against the built model, the state_dict's names, finite differences through
// the whole detector and through its loss, and the loss on a hand-worked case.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "common/model_types.h"
#include "common/models/tiny_ssd.h"
#include "support/gradient_check.h"
#include "worker/detection/ssd_loss.h"
#include "worker/model_factory.h"
#include "worker/models/tiny_ssd.h"

namespace hpsweep::testing {
namespace {

ModelConfig ssd_config(int64_t width = 0, int64_t depth = ModelConfig::kDefaultDepth) {
  ModelConfig config;
  config.type = kTinySsdType;
  config.width = width;
  config.depth = depth;
  return with_model_defaults(config);
}

TEST(TinySsdModel, TheBooksNetworkOn256PixelsHas5444Anchors) {
  // d2l: X of (32, 3, 256, 256) gives cls_preds (32, 5444, 2) and bbox_preds (32, 21776).
  const TinySsd ssd(ssd_config(), {3, 256, 256}, 1);
  EXPECT_EQ(ssd.scale_sides(), (std::vector<int64_t>{32, 16, 8, 4, 1}));
  EXPECT_EQ(ssd.anchors().size(), 5444u);
  EXPECT_EQ(ssd.output_shape({32, 3, 256, 256}), (Shape{32, 5444 * 2 + 21776}));
  // The book's anchor sizes, to its three decimals, and ratios.
  const std::vector<std::vector<float>> sizes = tiny_ssd_anchor_sizes(ssd_config());
  const float book[5][2] = {
      {0.2f, 0.272f}, {0.37f, 0.447f}, {0.54f, 0.619f}, {0.71f, 0.79f}, {0.88f, 0.961f}};
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(sizes[k][j], book[k][j], 5e-4) << k << " " << j;
  // The last scale's one pixel has anchors centered on the image, of sizes 0.88 and 0.961.
  const Box& last = ssd.anchors()[5440];
  EXPECT_FLOAT_EQ(last.x1, 0.5f - 0.44f);
  EXPECT_FLOAT_EQ(last.x2, 0.5f + 0.44f);
}

TEST(TinySsdModel, DepthIsTheNumberOfScalesOn64PixelCanvases) {
  const TinySsd book(ssd_config(), {1, 64, 64}, 10);
  EXPECT_EQ(book.scale_sides(), (std::vector<int64_t>{8, 4, 2, 1, 1}));
  EXPECT_EQ(book.anchors().size(), 4u * (64 + 16 + 4 + 1 + 1));
  const TinySsd shallow(ssd_config(16, 2), {1, 64, 64}, 10);
  EXPECT_EQ(shallow.scale_sides(), (std::vector<int64_t>{8, 1}));
  const TinySsd one(ssd_config(16, 1), {1, 64, 64}, 10);
  EXPECT_EQ(one.scale_sides(), (std::vector<int64_t>{8}));
  try {
    const TinySsd too_deep(ssd_config(16, 6), {1, 32, 32}, 10);
    FAIL() << "a 32-pixel input has no 6 scales";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("MaxPool2d"), std::string::npos) << e.what();
  }
}

TEST(TinySsdModel, TheAnchorKeysSetTheSizesAndRatios) {
  ModelConfig config = ssd_config(16, 3);
  config.anchor_size_min = 0.3;
  config.anchor_size_max = 0.7;
  config.anchor_ratio = 4;
  const std::vector<std::vector<float>> sizes = tiny_ssd_anchor_sizes(config);
  ASSERT_EQ(sizes.size(), 3u);
  EXPECT_FLOAT_EQ(sizes[0][0], 0.3f);
  EXPECT_FLOAT_EQ(sizes[0][1], std::sqrt(0.3f * 0.5f));
  EXPECT_FLOAT_EQ(sizes[2][0], 0.7f);
  EXPECT_FLOAT_EQ(sizes[2][1], std::sqrt(0.7f * 0.9f));
  // On the last scale's one pixel: (s1, r1), (s2, r1), (s1, r2 = 4): 0.7 * 2 wide, 0.7 / 2 high.
  const TinySsd ssd(config, {1, 64, 64}, 10);
  const Box& wide = ssd.anchors()[ssd.anchors().size() - 2];
  EXPECT_FLOAT_EQ(wide.x2 - wide.x1, 1.4f);
  EXPECT_FLOAT_EQ(wide.y2 - wide.y1, 0.35f);
  config.anchor_size_min = 0.8;
  try {
    const TinySsd crossed(config, {1, 64, 64}, 10);
    FAIL() << "the smallest size above the largest";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "model.anchor_size_min: tiny-ssd's smallest anchor size 0.800000 is above its "
                 "largest 0.700000 (model.anchor_size_max)");
  }
}

TEST(TinySsdModel, TheRegistryCountsTheBuiltParametersUnderTheBooksNames) {
  for (const auto& [width, depth] : {std::pair{16, 5}, {8, 3}, {4, 1}, {24, 2}}) {
    const ModelConfig config = ssd_config(width, depth);
    const Model model = build_model(config, {1, 64, 64}, 10);
    EXPECT_EQ(static_cast<double>(model.parameter_count()), tiny_ssd_parameters(config, 10))
        << width << " " << depth;
  }
  const Model model = build_model(ssd_config(), {1, 64, 64}, 10);
  const auto& p = model.parameters();
  EXPECT_EQ(p.front().name, "blk_0.0.0.weight");  // base_net's first down_sample_blk's conv
  EXPECT_EQ(p[2].name, "blk_0.0.1.weight");       // its BatchNorm2d
  EXPECT_EQ(p.back().name, "bbox_4.bias");
  bool found = false;
  for (const NamedParameter& n : p) found = found || n.name == "cls_1.weight";
  EXPECT_TRUE(found);
  EXPECT_EQ(model.state()[4].name, "blk_0.0.1.running_mean");
}

// d loss / d everything through the whole detector: blocks, predictors, the flatten order.
// As for the zoo's blocks (test_model_zoo.cpp): parameters drawn from [-1, 1], inputs away
// from ReLU's kink, a small step, and a network small enough to check every element. In
// evaluation mode, batch norm is the affine map of its running statistics: what is new here is
// the wiring of the blocks and predictors, and through eight batch norms over few values,
// training mode's curvature is beyond any finite step (test_batch_norm.cpp checks that mode).
TEST(TinySsdModel, GradientsMatchFiniteDifferences) {
  Model model = build_model(ssd_config(1, 3), {1, 16, 16}, 2);
  uint64_t seed = 1;
  for (const NamedParameter& p : model.parameters())
    p.parameter->value = random_tensor(p.parameter->value.shape(), seed++);
  Layer& ssd = *model.layers()[0];
  const Tensor x = random_tensor({2, 1, 16, 16}, 100, 0.05);
  const BatchContext context{.mode = Mode::eval};
  const Tensor weights = random_tensor(ssd.output_shape(x.shape()), 101);
  const auto loss = [&] {
    const Tensor& y = ssd.forward(x, context);
    double total = 0;
    for (int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
    return total;
  };
  loss();
  const Tensor input_grad = ssd.backward(weights, true).clone();
  std::vector<Tensor> grads;
  for (const NamedParameter& p : model.parameters()) grads.push_back(p.parameter->grad.clone());
  const GradientTolerance tolerance{2e-3, 5e-3, 3e-2};
  Tensor input = x;
  expect_gradient_matches("input", input, input_grad, loss, tolerance);
  for (size_t i = 0; i < grads.size(); ++i)
    expect_gradient_matches(model.parameters()[i].name, model.parameters()[i].parameter->value,
                            grads[i], loss, tolerance);
}

// Two anchors, one class: anchor 0 holds the object, anchor 1 is background.
TEST(SsdLoss, IsTheMeanClassCrossEntropyPlusTheMeanMaskedL1) {
  const std::vector<Box> anchors = {{0.0f, 0.0f, 0.5f, 0.5f}, {0.5f, 0.5f, 1.0f, 1.0f}};
  const std::vector<std::vector<LabeledBox>> truth = {{{0, {0.0f, 0.0f, 0.5f, 0.5f}}}};
  Tensor outputs({1, 2 * 2 + 2 * 4});
  // logits: anchor 0 (bg 0, object 1), anchor 1 (bg 2, object 0); offsets 0.5 everywhere.
  const float values[] = {0, 1, 2, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  std::copy(std::begin(values), std::end(values), outputs.data());
  SsdLoss loss(anchors, 1);
  const SsdLossSums sums = loss.forward(outputs, truth);
  // The target offsets of a box equal to its anchor: 0, 0, 5 log(1 + 1e-6), the same.
  const double log_term = 5 * std::log(1 + 1e-6);
  const double cross_entropy = (std::log(1 + std::exp(-1.0)) + std::log(1 + std::exp(-2.0))) / 2;
  const double l1 = (0.5 + 0.5 + 2 * (0.5 - log_term)) / 8;
  EXPECT_NEAR(sums.loss, cross_entropy + l1, 1e-6);
  EXPECT_EQ(sums.class_errors, 0);
  EXPECT_NEAR(sums.box_abs, 2 + 2 * -log_term, 1e-6);
  // Wrong classes count: anchor 1 now says object.
  outputs[2] = -1;
  EXPECT_EQ(loss.forward(outputs, truth).class_errors, 1);
}

TEST(SsdLoss, GradientsMatchFiniteDifferences) {
  const std::vector<Box> anchors = {
      {0.0f, 0.0f, 0.5f, 0.5f}, {0.4f, 0.4f, 1.0f, 1.0f}, {0.1f, 0.2f, 0.6f, 0.6f}};
  const std::vector<std::vector<LabeledBox>> truth = {{{1, {0.05f, 0.0f, 0.5f, 0.45f}}},
                                                      {{0, {0.5f, 0.5f, 0.9f, 1.0f}}}};
  Tensor outputs = random_tensor({2, 3 * 3 + 3 * 4}, 5);
  SsdLoss loss(anchors, 2);
  loss.forward(outputs, truth);
  Tensor gradient;
  loss.backward(0.5f, gradient);
  const Tensor analytic = gradient.clone();
  expect_gradient_matches("ssd loss", outputs, analytic,
                          [&] { return 0.5 * loss.forward(outputs, truth).loss; });
}

}  // namespace
}  // namespace hpsweep::testing
