// d2l's convolutional networks: shapes and parameter counts against the book (and PyTorch),
// gradients of the blocks through the harness, a short training run per model with its loss
// falling, and a checkpoint round trip that restores each exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/error.h"
#include "common/rng.h"
#include "storage/checkpoint_file.h"
#include "support/gradient_check.h"
#include "support/temp_dir.h"
#include "worker/blocks/dense_block.h"
#include "worker/blocks/parallel_concat.h"
#include "worker/blocks/residual_block.h"
#include "worker/initializer.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"
#include "worker/model_summary.h"
#include "worker/objective.h"

namespace hpsweep::testing {
namespace {

ModelConfig model_config(const std::string& type, int64_t width = 0, int64_t depth = -1) {
  ModelConfig config;
  config.type = type;
  config.width = width;
  config.depth = depth;
  return config;
}

// The summary row named `name`.
const LayerSummary& row(const std::vector<LayerSummary>& rows, const std::string& name) {
  for (const LayerSummary& r : rows)
    if (r.name == name) return r;
  throw std::runtime_error("no layer " + name);
}

TEST(ModelZoo, LeNetShapesFollowTheBook) {
  const Model model = build_model(model_config("lenet"), {1, 28, 28}, 10);
  const auto rows = summarize_model(model, {1, 28, 28});
  EXPECT_EQ(row(rows, "0").kind, "Conv2d");
  EXPECT_EQ(row(rows, "0").output, (Shape{6, 28, 28}));
  EXPECT_EQ(row(rows, "5").kind, "AvgPool2d");
  EXPECT_EQ(row(rows, "5").output, (Shape{16, 5, 5}));  // before Flatten
  EXPECT_EQ(row(rows, "6").output, (Shape{400}));
  EXPECT_EQ(rows.back().output, (Shape{10}));
  EXPECT_EQ(model.parameter_count(), 61706);  // PyTorch's count for the book's LeNet
}

TEST(ModelZoo, AlexNetShapesFollowTheBook) {
  const Model model = build_model(model_config("alexnet"), {1, 224, 224}, 10);
  const auto rows = summarize_model(model, {1, 224, 224});
  EXPECT_EQ(row(rows, "0").output, (Shape{96, 54, 54}));
  EXPECT_EQ(row(rows, "12").kind, "MaxPool2d");
  EXPECT_EQ(row(rows, "12").output, (Shape{256, 5, 5}));  // before Flatten
  EXPECT_EQ(model.parameter_count(), 46764746);
}

TEST(ModelZoo, ResNet18ShapesFollowTheBook) {
  const Model model = build_model(model_config("resnet"), {1, 96, 96}, 10);
  const auto rows = summarize_model(model, {1, 96, 96});
  EXPECT_EQ(row(rows, "0").output, (Shape{64, 24, 24}));
  EXPECT_EQ(row(rows, "1").output, (Shape{64, 24, 24}));
  EXPECT_EQ(row(rows, "2").output, (Shape{128, 12, 12}));
  EXPECT_EQ(row(rows, "4").output, (Shape{512, 3, 3}));  // after the last stage
  EXPECT_EQ(row(rows, "4.0").kind, "Residual");
  EXPECT_EQ(model.parameter_count(), 11178378);
  // PyTorch's state_dict names for the book's Residual class.
  EXPECT_EQ(model.state()[7].name, "1.0.conv1.weight");
  EXPECT_EQ(model.state()[11].name, "1.0.bn1.weight");
}

TEST(ModelZoo, GoogLeNetDenseNetVggAndNinShapesFollowTheBook) {
  const auto google =
      summarize_model(build_model(model_config("googlenet"), {1, 96, 96}, 10), {1, 96, 96});
  EXPECT_EQ(row(google, "2").output, (Shape{480, 6, 6}));     // b3
  EXPECT_EQ(row(google, "3").output, (Shape{832, 3, 3}));     // b4
  EXPECT_EQ(row(google, "4.1").output, (Shape{1024, 3, 3}));  // b5's last Inception
  EXPECT_EQ(row(google, "4").output, (Shape{1024}));          // b5 ends with pooling, Flatten
  const auto dense =
      summarize_model(build_model(model_config("densenet"), {1, 96, 96}, 10), {1, 96, 96});
  EXPECT_EQ(row(dense, "1").output, (Shape{192, 24, 24}));  // 64 + 4 x 32
  EXPECT_EQ(row(dense, "2").output, (Shape{96, 12, 12}));   // transition
  EXPECT_EQ(row(dense, "7").output, (Shape{248, 3, 3}));    // last dense block
  const auto vgg =
      summarize_model(build_model(model_config("vgg"), {1, 224, 224}, 10), {1, 224, 224});
  EXPECT_EQ(row(vgg, "4").output, (Shape{512, 7, 7}));
  const auto nin =
      summarize_model(build_model(model_config("nin"), {1, 224, 224}, 10), {1, 224, 224});
  EXPECT_EQ(row(nin, "0").output, (Shape{96, 54, 54}));
  EXPECT_EQ(row(nin, "5").output, (Shape{384, 5, 5}));
}

// The names of `model`'s parameters and buffers, in order.
std::vector<std::string> state_names(const Model& model) {
  std::vector<std::string> names;
  for (const NamedState& s : model.state()) names.push_back(s.name);
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// PyTorch's state_dict names for the book's classes (tests/interop/book_networks.py loads the
// checkpoints into them with strict=True).
TEST(ModelZoo, GoogLeNetAndDenseNetNamesAreTheBooks) {
  const auto google = state_names(build_model(model_config("googlenet"), {1, 96, 96}, 10));
  const std::vector<std::string> inception(google.begin() + 6, google.begin() + 20);
  EXPECT_EQ(inception, (std::vector<std::string>{
                           "2.0.p1_1.weight", "2.0.p1_1.bias", "2.0.p2_1.weight", "2.0.p2_1.bias",
                           "2.0.p2_2.weight", "2.0.p2_2.bias", "2.0.p3_1.weight", "2.0.p3_1.bias",
                           "2.0.p3_2.weight", "2.0.p3_2.bias", "2.0.p4_2.weight", "2.0.p4_2.bias",
                           "2.1.p1_1.weight", "2.1.p1_1.bias"}));
  EXPECT_EQ(google.back(), "5.bias");  // nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))
  // With fewer stages the head's pooling ends the last one, and the classifier follows it.
  EXPECT_EQ(state_names(build_model(model_config("googlenet", 8, 1), {1, 32, 32}, 10)).back(),
            "3.bias");

  const auto dense = state_names(build_model(model_config("densenet"), {1, 96, 96}, 10));
  EXPECT_TRUE(has(dense, "1.net.0.0.weight"));  // DenseBlock.net[0] = conv_block: BatchNorm2d
  EXPECT_TRUE(has(dense, "1.net.0.0.running_mean"));
  EXPECT_TRUE(has(dense, "1.net.3.2.weight"));  // the fourth conv block's Conv2d
  EXPECT_TRUE(has(dense, "2.2.weight"));        // transition_block's Conv2d
  EXPECT_FALSE(has(dense, "1.0.0.weight"));
}

// Checkpoints written before the renaming hold the old names; resuming one names the first
// parameter that differs.
TEST(ModelZoo, ACheckpointWithTheOldNamesIsAClearError) {
  const ModelConfig config = model_config("googlenet", 8, 1);
  Model model = build_model(config, {1, 32, 32}, 10);
  std::vector<NamedTensor> old = snapshot_parameters(model);
  ASSERT_EQ(old[6].name, "2.0.p1_1.weight");
  old[6].name = "2.0.p1.0.weight";
  try {
    load_parameters(model, old, "0000.h5");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "0000.h5: architecture differs from the trial's model: parameter 6 is "
                 "2.0.p1.0.weight in the checkpoint, 2.0.p1_1.weight in the model");
  }
}

TEST(ModelZoo, WidthScalesChannelsAndDepthCountsBlocks) {
  const auto rows =
      summarize_model(build_model(model_config("resnet", 16, 1), {1, 32, 32}, 10), {1, 32, 32});
  EXPECT_EQ(row(rows, "0").output[0], 16);
  EXPECT_EQ(row(rows, "4").output[0], 128);  // 512 x 16 / 64
  EXPECT_NO_THROW(row(rows, "4.0"));
  EXPECT_THROW(row(rows, "4.1"), std::runtime_error);  // one block per stage
}

TEST(ModelZoo, AModelTooDeepForItsInputIsAClearError) {
  try {
    build_model(model_config("alexnet"), {1, 28, 28}, 10);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("model: alexnet (width 96, depth 3) does not fit input "
                                          "[1, 28, 28]: ",
                                          0),
              0u)
        << e.what();
  }
  EXPECT_THROW(build_model(model_config("resnet"), {784}, 10), UserError);
}

void randomize(Layer& layer, uint64_t seed) {
  for (Parameter* p : layer.parameters()) p->value = random_tensor(p->value.shape(), seed++, 0.0);
  for (const ChildLayer& child : layer.children()) randomize(*child.layer, seed += 17);
}

// Blocks with ReLU and max pooling: a finite-difference step must not cross a kink, so the
// inputs are pushed away from zero and the step is small; small blocks keep the check fast.
const GradientTolerance kBlockTolerance{2e-3, 5e-3, 3e-2};

TEST(Gradients, ResidualBlockWithAndWithoutShortcutConv) {
  ResidualBlock identity(3, 3, false, 1);
  randomize(identity, 1);
  expect_layer_gradients(identity, random_tensor({2, 3, 4, 4}, 2, 0.05), BatchContext{Mode::train},
                         kBlockTolerance);
  ResidualBlock strided(2, 4, true, 2);
  randomize(strided, 3);
  expect_layer_gradients(strided, random_tensor({2, 2, 5, 5}, 4, 0.05), BatchContext{Mode::train},
                         kBlockTolerance);
}

TEST(Gradients, InceptionBlock) {
  auto block = inception_block(3, 2, {2, 3}, {1, 2}, 2);
  randomize(*block, 5);
  EXPECT_EQ(block->output_shape({2, 3, 5, 5}), (Shape{2, 9, 5, 5}));
  expect_layer_gradients(*block, random_tensor({2, 3, 5, 5}, 6, 0.05), BatchContext{Mode::train},
                         kBlockTolerance);
}

TEST(Gradients, DenseBlockAndTransition) {
  DenseBlock block(3, 2, 2);
  randomize(block, 7);
  EXPECT_EQ(block.output_shape({2, 3, 4, 4}), (Shape{2, 7, 4, 4}));
  expect_layer_gradients(block, random_tensor({2, 3, 4, 4}, 8, 0.05), BatchContext{Mode::train},
                         kBlockTolerance);
  auto transition = transition_block(4, 2);
  randomize(*transition, 9);
  expect_layer_gradients(*transition, random_tensor({2, 4, 4, 4}, 10, 0.05),
                         BatchContext{Mode::train}, kBlockTolerance);
}

// Two classes a small network learns at once: the brighter half of the image.
struct ToyImages {
  Tensor images;
  std::vector<int32_t> labels;
};

ToyImages toy_images(int64_t n, int64_t size, uint64_t seed) {
  ToyImages set{Tensor({n, 1, size, size}), std::vector<int32_t>(n)};
  Rng rng(seed);
  for (int64_t i = 0; i < n; ++i) {
    set.labels[i] = static_cast<int32_t>(i % 2);
    for (int64_t y = 0; y < size; ++y)
      for (int64_t x = 0; x < size; ++x) {
        const bool bright = (x < size / 2) == (set.labels[i] == 0);
        set.images[(i * size + y) * size + x] =
            static_cast<float>((bright ? 0.8 : 0.2) + 0.1 * rng.normal());
      }
  }
  return set;
}

struct ZooCase {
  std::string type;
  int64_t width, depth, image_size;
  double lr;
};

class EveryModel : public ::testing::TestWithParam<ZooCase> {};

// Mean loss over the set after each epoch of plain SGD with batch 16.
std::vector<double> train_epochs(Model& model, const ToyImages& set, int epochs, double lr) {
  std::vector<double> losses;
  Objective objective;
  Tensor gradient;
  LocalReducer reducer;
  const int64_t n = set.images.dim(0), batch = 16;
  std::vector<int64_t> ids(batch);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double total = 0;
    for (int64_t begin = 0; begin < n; begin += batch) {
      for (int64_t i = 0; i < batch; ++i) ids[i] = begin + i;
      const Tensor& out = model.forward(set.images.rows(begin, begin + batch),
                                        BatchContext{Mode::train, 5, epoch, ids.data()});
      const BatchTargets targets{set.labels.data() + begin, nullptr};
      total += objective.forward(out, targets).loss;
      objective.backward(out, targets, 1.0f / batch, gradient);
      model.backward(gradient, reducer);
      for (const NamedParameter& p : model.parameters())
        for (int64_t i = 0; i < p.parameter->value.size(); ++i)
          p.parameter->value[i] -= static_cast<float>(lr) * p.parameter->grad[i];
    }
    losses.push_back(total / static_cast<double>(n));
  }
  return losses;
}

TEST_P(EveryModel, TrainsWithItsLossFallingAndRoundTripsThroughACheckpoint) {
  const ZooCase& c = GetParam();
  const Shape sample = {1, c.image_size, c.image_size};
  Model model = build_model(model_config(c.type, c.width, c.depth), sample, 10);
  initialize_parameters(model, InitScheme::xavier, 0.01, 11);
  const ToyImages set = toy_images(64, c.image_size, 12);
  const std::vector<double> losses = train_epochs(model, set, 3, c.lr);
  for (double loss : losses) EXPECT_TRUE(std::isfinite(loss)) << c.type;
  EXPECT_LT(losses.back(), losses.front()) << c.type;

  TempDir dir;
  CheckpointData checkpoint;
  checkpoint.params = snapshot_parameters(model);
  checkpoint.best_params = checkpoint.params;
  const std::string path = (dir.path() / "model.h5").string();
  write_checkpoint_file(path, checkpoint);
  Model restored = build_model(model_config(c.type, c.width, c.depth), sample, 10);
  load_parameters(restored, read_checkpoint_file(path).params, path);
  const Tensor expected = model.forward(set.images.rows(0, 8), BatchContext{Mode::eval}).clone();
  const Tensor& actual = restored.forward(set.images.rows(0, 8), BatchContext{Mode::eval});
  for (int64_t i = 0; i < expected.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << c.type;
}

// Reduced variants: a few channels, each at the smallest input its strides allow.
INSTANTIATE_TEST_SUITE_P(
    ModelZoo, EveryModel,
    ::testing::Values(ZooCase{"lenet", 6, 2, 28, 0.5}, ZooCase{"lenet-bn", 6, 2, 28, 0.1},
                      ZooCase{"alexnet", 8, 1, 67, 0.05}, ZooCase{"vgg", 4, 3, 32, 0.05},
                      ZooCase{"nin", 8, 2, 63, 0.05}, ZooCase{"googlenet", 8, 1, 32, 0.05},
                      ZooCase{"resnet", 8, 1, 32, 0.05}, ZooCase{"densenet", 8, 2, 32, 0.05}),
    [](const auto& info) {
      std::string name = info.param.type;
      for (char& ch : name)
        if (ch == '-') ch = '_';
      return name;
    });

}  // namespace
}  // namespace hpsweep::testing
