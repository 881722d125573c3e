// Model structure: layer sequence and parameter names as in PyTorch's nn.Sequential, shapes,
// parameter counts, and loading parameters (init_from) with a clear error on a mismatch.
#include <gtest/gtest.h>

#include "common/error.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"

namespace hpsweep {
namespace {

std::vector<std::string> kinds(const Model& model) {
  std::vector<std::string> out;
  for (const auto& layer : model.layers()) out.push_back(layer->kind());
  return out;
}

TEST(Model, SoftmaxRegressionIsFlattenThenLinear) {
  ModelConfig config;
  config.type = "softmax";
  const Model model = build_model(config, {1, 28, 28}, 10);
  EXPECT_EQ(kinds(model), (std::vector<std::string>{"Flatten", "Linear"}));
  ASSERT_EQ(model.parameters().size(), 2u);
  EXPECT_EQ(model.parameters()[0].name, "1.weight");
  EXPECT_EQ(model.parameters()[0].parameter->value.shape(), (Shape{10, 784}));
  EXPECT_EQ(model.parameter_count(), 7850);  // d2l 3.6: 784 * 10 + 10
}

TEST(Model, MlpFollowsDepthWidthAndDropout) {
  ModelConfig config;
  config.depth = 2;
  config.width = 256;
  config.dropout = 0.5;
  Model model = build_model(config, {1, 28, 28}, 10);
  EXPECT_EQ(kinds(model), (std::vector<std::string>{"Flatten", "Linear", "ReLU", "Dropout",
                                                    "Linear", "ReLU", "Dropout", "Linear"}));
  std::vector<std::string> names;
  for (const NamedParameter& p : model.parameters()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"1.weight", "1.bias", "4.weight", "4.bias", "7.weight",
                                             "7.bias"}));
  EXPECT_EQ(model.parameter_count(), 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
  Tensor x({3, 1, 28, 28});
  EXPECT_EQ(model.forward(x, BatchContext{Mode::eval}).shape(), (Shape{3, 10}));
}

TEST(Model, DepthZeroMlpIsSoftmaxRegression) {
  ModelConfig config;
  config.depth = 0;
  EXPECT_EQ(build_model(config, {1, 28, 28}, 10).parameter_count(), 7850);
}

TEST(ModelState, LoadRejectsAnotherArchitectureByName) {
  ModelConfig narrow, wide;
  narrow.width = 32;
  wide.width = 64;
  Model source = build_model(narrow, {1, 28, 28}, 10);
  Model target = build_model(wide, {1, 28, 28}, 10);
  try {
    load_parameters(target, snapshot_parameters(source), "a.h5");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(
        e.what(),
        "a.h5: architecture differs from the trial's model: 1.weight has shape [32, 784] in "
        "the checkpoint, [64, 784] in the model");
  }
}

TEST(ModelState, LoadCopiesValues) {
  ModelConfig config;
  config.width = 8;
  Model source = build_model(config, {1, 2, 2}, 3);
  source.parameters()[0].parameter->value.fill(0.25f);
  Model target = build_model(config, {1, 2, 2}, 3);
  load_parameters(target, snapshot_parameters(source), "x");
  EXPECT_EQ(target.parameters()[0].parameter->value[5], 0.25f);
}

}  // namespace
}  // namespace hpsweep
