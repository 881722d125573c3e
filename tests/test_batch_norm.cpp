// Batch normalization, concatenation and sequential blocks: gradients through the harness,
// statistics against their definitions, and how their state is named for checkpoints.
#include <gtest/gtest.h>

#include <cmath>

#include "support/gradient_check.h"
#include "worker/blocks/sequential_block.h"
#include "worker/kernels/concat.h"
#include "worker/layers/activation_layer.h"
#include "worker/layers/batch_norm_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/model.h"

namespace hpsweep::testing {
namespace {

void randomize_affine(BatchNormLayer& layer, int64_t features, uint64_t seed) {
  layer.parameters()[0]->value = random_tensor({features}, seed);
  layer.parameters()[1]->value = random_tensor({features}, seed + 1);
}

TEST(Gradients, BatchNorm1dTraining) {
  BatchNormLayer layer(5, false);
  randomize_affine(layer, 5, 1);
  expect_layer_gradients(layer, random_tensor({8, 5}, 3), BatchContext{Mode::train});
}

TEST(Gradients, BatchNorm2dTraining) {
  BatchNormLayer layer(3, true);
  randomize_affine(layer, 3, 4);
  expect_layer_gradients(layer, random_tensor({4, 3, 3, 2}, 6), BatchContext{Mode::train});
}

TEST(Gradients, BatchNorm2dEvaluation) {
  BatchNormLayer layer(3, true);
  randomize_affine(layer, 3, 7);
  layer.buffers()[0]->value = random_tensor({3}, 8);
  layer.buffers()[1]->value.fill(0.7f);
  expect_layer_gradients(layer, random_tensor({2, 3, 2, 2}, 9), BatchContext{Mode::eval});
}

TEST(BatchNorm, TrainingNormalizesEachChannelOverBatchAndPixels) {
  BatchNormLayer layer(2, true);
  const Tensor x = random_tensor({4, 2, 3, 3}, 10);
  const Tensor& y = layer.forward(x, BatchContext{Mode::train});
  for (int64_t c = 0; c < 2; ++c) {
    double sum = 0, sum2 = 0;
    for (int64_t b = 0; b < 4; ++b)
      for (int64_t i = 0; i < 9; ++i) {
        const double v = y[(b * 2 + c) * 9 + i];
        sum += v;
        sum2 += v * v;
      }
    EXPECT_NEAR(sum / 36, 0.0, 1e-6);
    EXPECT_NEAR(sum2 / 36, 1.0, 1e-3);  // var / (var + eps)
  }
}

TEST(BatchNorm, RunningStatisticsFollowPyTorch) {
  BatchNormLayer layer(1, false);
  Tensor x({4, 1});
  for (int i = 0; i < 4; ++i) x[i] = static_cast<float>(i);  // mean 1.5, unbiased var 5/3
  layer.forward(x, BatchContext{Mode::train});
  EXPECT_FLOAT_EQ(layer.buffers()[0]->value[0], 0.15f);                // 0.9 * 0 + 0.1 * 1.5
  EXPECT_FLOAT_EQ(layer.buffers()[1]->value[0], 0.9f + 0.1f * 5 / 3);  // starts at 1
  EXPECT_EQ(layer.buffers()[2]->value[0], 1.0f);
  // Evaluation uses them: y = (x - 0.15) / sqrt(var + eps).
  const Tensor& y = layer.forward(x, BatchContext{Mode::eval});
  EXPECT_NEAR(y[3], (3 - 0.15) / std::sqrt(0.9 + 0.1 * 5.0 / 3 + 1e-5), 1e-5);
  EXPECT_EQ(layer.buffers()[2]->value[0], 1.0f) << "evaluation leaves the statistics alone";
}

TEST(BatchNorm, WrongInputNamesTheLayer) {
  BatchNormLayer layer(3, true);
  try {
    layer.output_shape({2, 4, 5, 5});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "BatchNorm2d(3) got input [2, 4, 5, 5]");
  }
}

// A group of two simulated in one process: the "other rank" contributes its sums, so the
// layer must normalize with the statistics of both halves, as one rank holding all rows would.
class OtherHalf : public GroupSum {
 public:
  explicit OtherHalf(std::vector<std::vector<double>> contributions)
      : contributions_(std::move(contributions)) {}
  void sum(double* values, int count) override {
    for (int i = 0; i < count; ++i) values[i] += contributions_[calls_][i];
    ++calls_;
  }

 private:
  std::vector<std::vector<double>> contributions_;
  size_t calls_ = 0;
};

TEST(BatchNorm, SynchronizedStatisticsMatchTheWholeBatch) {
  const Tensor x = random_tensor({6, 2}, 11), dy = random_tensor({6, 2}, 12);
  BatchNormLayer whole(2, false);
  randomize_affine(whole, 2, 13);
  const Tensor y_whole = whole.forward(x, BatchContext{Mode::train}).clone();
  const Tensor dx_whole = whole.backward(dy, true).clone();

  // The second half's sums, in the order the layer asks for them.
  std::vector<double> forward_sums(5, 0.0), backward_sums(4, 0.0);
  for (int64_t r = 3; r < 6; ++r)
    for (int64_t c = 0; c < 2; ++c) {
      forward_sums[c] += x[r * 2 + c];
      forward_sums[2 + c] += static_cast<double>(x[r * 2 + c]) * x[r * 2 + c];
    }
  forward_sums[4] = 3;
  for (int64_t r = 3; r < 6; ++r)
    for (int64_t c = 0; c < 2; ++c) {
      const double xhat =
          (y_whole[r * 2 + c] - whole.parameters()[1]->value[c]) / whole.parameters()[0]->value[c];
      backward_sums[c] += dy[r * 2 + c] * xhat;
      backward_sums[2 + c] += dy[r * 2 + c];
    }
  OtherHalf group({forward_sums, backward_sums});
  BatchNormLayer half(2, false);
  randomize_affine(half, 2, 13);
  const Tensor& y = half.forward(x.rows(0, 3), BatchContext{Mode::train, 0, 0, nullptr, &group});
  for (int64_t i = 0; i < 6; ++i) EXPECT_NEAR(y[i], y_whole[i], 1e-5);
  const Tensor& dx = half.backward(dy.rows(0, 3), true);
  for (int64_t i = 0; i < 6; ++i) EXPECT_NEAR(dx[i], dx_whole[i], 1e-4);
}

TEST(Concat, FollowsTheBooksExample) {
  // d2l 2.1: X = arange(12).reshape(3, 4), Y = [[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]].
  Tensor x({3, 4}), y({3, 4});
  const float y_values[] = {2, 1, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1};
  for (int i = 0; i < 12; ++i) {
    x[i] = static_cast<float>(i);
    y[i] = y_values[i];
  }
  Tensor rows, columns;
  concat({&x, &y}, 0, rows);
  concat({&x, &y}, 1, columns);
  EXPECT_EQ(rows.shape(), (Shape{6, 4}));
  EXPECT_EQ(columns.shape(), (Shape{3, 8}));
  EXPECT_EQ(rows[12], 2.0f);
  EXPECT_EQ(columns[4], 2.0f);   // row 0: 0 1 2 3 2 1 4 3
  EXPECT_EQ(columns[8], 4.0f);   // row 1 starts with X's 4 5 6 7
  EXPECT_EQ(columns[23], 1.0f);  // row 2 ends with Y's 1
  Tensor back;
  slice_axis(columns, 1, 4, 8, back);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(back[i], y[i]);
}

TEST(Concat, OtherAxesMustMatch) {
  try {
    concat_shape({{2, 3, 5}, {2, 4, 5}}, 0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "Sizes of tensors must match except in dimension 0. Expected size 3 but got "
                 "size 4 for tensor number 1 in the list.");
  }
  try {
    concat_shape({{2, 3}, {2, 3, 1}}, 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Tensors must have same number of dimensions: got 2 and 3");
  }
  EXPECT_EQ(concat_shape({{2, 3, 5}, {2, 4, 5}, {2, 1, 5}}, 1), (Shape{2, 8, 5}));
}

TEST(Gradients, SequentialBlock) {
  SequentialBlock block;
  block.add(std::make_unique<DenseLayer>(4, 6));
  block.add(std::make_unique<ActivationLayer>(Activation::tanh));
  block.add(std::make_unique<DenseLayer>(6, 3));
  for (ChildLayer child : block.children())
    for (Parameter* p : child.layer->parameters())
      p->value = random_tensor(p->value.shape(), 20 + child.layer->parameters().size());
  expect_layer_gradients(block, random_tensor({5, 4}, 21), BatchContext{Mode::train});
}

// A ReLU right after a batch norm in a SequentialBlock is applied by the batch norm; the block
// must give the same bits as the two layers run one after the other (each checked against
// finite differences above and in test_gradients), in training and in evaluation, for images
// and for features.
void expect_fused_relu_matches_separate_layers(const Shape& shape, Mode mode) {
  const bool images = shape.size() == 4;
  const int64_t features = shape[1];
  SequentialBlock fused;
  fused.add(std::make_unique<BatchNormLayer>(features, images));
  fused.add(std::make_unique<ActivationLayer>(Activation::relu));
  BatchNormLayer norm(features, images);
  ActivationLayer relu(Activation::relu);
  for (BatchNormLayer* layer : {&norm, dynamic_cast<BatchNormLayer*>(&fused[0])}) {
    randomize_affine(*layer, features, 30);
    layer->buffers()[0]->value = random_tensor({features}, 32);
    layer->buffers()[1]->value.fill(0.6f);
  }
  const Tensor x = random_tensor(shape, 33), dy = random_tensor(shape, 34);
  const BatchContext context{mode};
  const Tensor y_fused = fused.forward(x, context).clone();
  const Tensor& y = relu.forward(norm.forward(x, context), context);
  const Tensor dx_fused = fused.backward(dy, true).clone();
  const Tensor& dx = norm.backward(relu.backward(dy, true), true);
  int zeros = 0;
  for (int64_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y_fused[i], y[i]) << i;
    EXPECT_EQ(dx_fused[i], dx[i]) << i;
    zeros += y[i] == 0.0f;
  }
  EXPECT_GT(zeros, 0);                             // the ReLU cut something
  EXPECT_EQ(&fused[1].forward(dy, context), &dy);  // and the batch norm applied it
  for (int p = 0; p < 2; ++p)
    for (int64_t c = 0; c < features; ++c)
      EXPECT_EQ(fused[0].parameters()[p]->grad[c], norm.parameters()[p]->grad[c]);
}

TEST(BatchNorm, AReluAfterItInABlockIsAppliedByIt) {
  expect_fused_relu_matches_separate_layers({4, 3, 5, 7}, Mode::train);
  expect_fused_relu_matches_separate_layers({4, 3, 5, 7}, Mode::eval);
  expect_fused_relu_matches_separate_layers({9, 5}, Mode::train);
  expect_fused_relu_matches_separate_layers({9, 5}, Mode::eval);
}

TEST(ModelState, NamesNestedParametersAndBuffersAsPyTorch) {
  Model model;
  auto block = std::make_unique<SequentialBlock>();
  block->add(std::make_unique<DenseLayer>(4, 3));
  block->add(std::make_unique<BatchNormLayer>(3, false));
  model.add(std::move(block));
  model.add(std::make_unique<DenseLayer>(3, 2));
  std::vector<std::string> names;
  for (const NamedState& s : model.state()) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias",
                                             "0.1.running_mean", "0.1.running_var",
                                             "0.1.num_batches_tracked", "1.weight", "1.bias"}));
  EXPECT_EQ(model.parameters().size(), 6u);
  EXPECT_EQ(model.parameter_count(), 4 * 3 + 3 + 3 + 3 + 3 * 2 + 2);
}

}  // namespace
}  // namespace hpsweep::testing
