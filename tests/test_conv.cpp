// Convolution and pooling: gradients through the one harness, forward values against a naive
// direct convolution and d2l's hand-worked examples, output shapes, and input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "common/error.h"
#include "common/rng.h"
#include "support/gradient_check.h"
#include "worker/kernels/conv2d_direct.h"
#include "worker/kernels/conv2d_direct_kernels.h"
#include "worker/kernels/conv2d_lowerings.h"
#include "worker/kernels/conv2d_small_map.h"
#include "worker/kernels/conv2d_winograd.h"
#include "worker/kernels/gemm_avx512.h"
#include "worker/layers/avg_pool2d_layer.h"
#include "worker/layers/conv2d_layer.h"
#include "worker/layers/global_avg_pool2d_layer.h"
#include "worker/layers/max_pool2d_layer.h"

namespace hpsweep::testing {
namespace {

const BatchContext kTrain{Mode::train};

struct ConvCase {
  int64_t batch, in, out, height, width;
  Pair kernel, stride, padding;
};

Conv2dLayer random_conv(const ConvCase& c, uint64_t seed) {
  Conv2dLayer layer(c.in, c.out, c.kernel, c.stride, c.padding);
  layer.parameters()[0]->value = random_tensor({c.out, c.in, c.kernel.h, c.kernel.w}, seed);
  layer.parameters()[1]->value = random_tensor({c.out}, seed + 1);
  return layer;
}

// The definition, one output at a time, in double precision.
Tensor naive_conv(const ConvCase& c, const Tensor& x, const Tensor& w, const Tensor& b) {
  const int64_t ho = (c.height + 2 * c.padding.h - c.kernel.h) / c.stride.h + 1;
  const int64_t wo = (c.width + 2 * c.padding.w - c.kernel.w) / c.stride.w + 1;
  Tensor y({c.batch, c.out, ho, wo});
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t o = 0; o < c.out; ++o)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j) {
          double total = b[o];
          for (int64_t ch = 0; ch < c.in; ++ch)
            for (int64_t ki = 0; ki < c.kernel.h; ++ki)
              for (int64_t kj = 0; kj < c.kernel.w; ++kj) {
                const int64_t h = i * c.stride.h - c.padding.h + ki;
                const int64_t v = j * c.stride.w - c.padding.w + kj;
                if (h < 0 || h >= c.height || v < 0 || v >= c.width) continue;
                total += double{x[((n * c.in + ch) * c.height + h) * c.width + v]} *
                         w[((o * c.in + ch) * c.kernel.h + ki) * c.kernel.w + kj];
              }
          y[((n * c.out + o) * ho + i) * wo + j] = static_cast<float>(total);
        }
  return y;
}

struct ConvGrads {
  Tensor dw, db, dx;
};

// The definition of the backward pass, one product at a time, in double precision.
ConvGrads naive_conv_backward(const ConvCase& c, const Tensor& x, const Tensor& w,
                              const Tensor& dy) {
  const int64_t ho = dy.dim(2), wo = dy.dim(3);
  std::vector<double> dw(w.size()), db(c.out), dx(x.size());
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t o = 0; o < c.out; ++o)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j) {
          const double g = dy[((n * c.out + o) * ho + i) * wo + j];
          db[o] += g;
          for (int64_t ch = 0; ch < c.in; ++ch)
            for (int64_t ki = 0; ki < c.kernel.h; ++ki)
              for (int64_t kj = 0; kj < c.kernel.w; ++kj) {
                const int64_t h = i * c.stride.h - c.padding.h + ki;
                const int64_t v = j * c.stride.w - c.padding.w + kj;
                if (h < 0 || h >= c.height || v < 0 || v >= c.width) continue;
                const int64_t xi = ((n * c.in + ch) * c.height + h) * c.width + v;
                const int64_t wi = ((o * c.in + ch) * c.kernel.h + ki) * c.kernel.w + kj;
                dw[wi] += g * x[xi];
                dx[xi] += g * w[wi];
              }
        }
  auto to_tensor = [](const Shape& shape, const std::vector<double>& values) {
    Tensor t(shape);
    for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(values[i]);
    return t;
  };
  return {to_tensor(w.shape(), dw), to_tensor({c.out}, db), to_tensor(x.shape(), dx)};
}

void expect_near(const std::string& what, const Tensor& actual, const Tensor& expected,
                 float tolerance) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (int64_t i = 0; i < actual.size(); ++i)
    ASSERT_NEAR(actual[i], expected[i], tolerance) << what << " element " << i;
}

// A case's layer's random parameters, a random input and output gradient.
struct ConvOperands {
  std::string name;  // the layer's, with the batch
  Tensor w, b, x, dy;
};

ConvOperands random_operands(const ConvCase& c, uint64_t seed) {
  Conv2dLayer layer = random_conv(c, seed);
  ConvOperands o;
  o.name = layer.description() + " batch " + std::to_string(c.batch);
  o.w = layer.parameters()[0]->value;
  o.b = layer.parameters()[1]->value;
  o.x = random_tensor({c.batch, c.in, c.height, c.width}, seed + 2);
  o.dy = random_tensor(layer.output_shape(o.x.shape()), seed + 3);
  return o;
}

// The operands with the naive definition's results for them.
struct NaiveCase : ConvOperands {
  Tensor y;
  ConvGrads grads;
};

NaiveCase naive_case(const ConvCase& c, uint64_t seed) {
  NaiveCase n;
  static_cast<ConvOperands&>(n) = random_operands(c, seed);
  n.y = naive_conv(c, n.x, n.w, n.b);
  n.grads = naive_conv_backward(c, n.x, n.w, n.dy);
  return n;
}

// What a lowering or kernel set wrote for a case.
struct ConvResults {
  Tensor y, dw, db, dx;
};

void expect_matches_naive(const ConvResults& r, const NaiveCase& n) {
  expect_near("y", r.y, n.y, 1e-4f);
  expect_near("dw", r.dw, n.grads.dw, 2e-3f);
  expect_near("db", r.db, n.grads.db, 2e-3f);
  expect_near("dx", r.dx, n.grads.dx, 1e-4f);
}

// Distinct values at least 0.05 apart, so the +-0.01 steps of the harness never change which
// element of a pooling window is the maximum.
Tensor spread_tensor(const Shape& shape, uint64_t seed) {
  Tensor t(shape);
  std::vector<int64_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  for (int64_t i = t.size() - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
  for (int64_t i = 0; i < t.size(); ++i) t[i] = 0.05f * static_cast<float>(order[i] - t.size() / 2);
  return t;
}

Tensor from_values(const Shape& shape, const std::vector<float>& values) {
  Tensor t(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor arange(const Shape& shape) {
  Tensor t(shape);
  for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i);
  return t;
}

void expect_values(const Tensor& actual, const Shape& shape, const std::vector<float>& expected,
                   float tolerance = 1e-5f) {
  ASSERT_EQ(actual.shape(), shape);
  for (int64_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
}

// Gradients ------------------------------------------------------------------------------------

const ConvCase kGradientCases[] = {
    {2, 2, 3, 5, 5, 3, 1, 1},                // 3x3, padding 1, stride 1
    {2, 1, 2, 6, 6, 5, 1, 2},                // 5x5, padding 2 (LeNet's first conv)
    {2, 2, 2, 7, 7, 3, 2, 1},                // stride 2
    {2, 3, 4, 4, 5, 1, 1, 0},                // 1x1: no im2col
    {2, 3, 2, 5, 5, 1, 2, 0},                // 1x1 with stride 2: im2col
    {1, 2, 3, 8, 9, {3, 5}, {3, 4}, {0, 1}}  // non-square kernel, stride, padding
};

TEST(ConvGradients, EveryConfiguration) {
  uint64_t seed = 10;
  for (const ConvCase& c : kGradientCases) {
    SCOPED_TRACE(random_conv(c, 0).description());
    Conv2dLayer layer = random_conv(c, seed);
    expect_layer_gradients(layer, random_tensor({c.batch, c.in, c.height, c.width}, seed + 2),
                           kTrain);
    seed += 3;
  }
}

TEST(ConvGradients, WithoutInputGradientTheParameterGradientsAreTheSame) {
  // Direct kernels (4 output channels), Winograd (3x3, 16 -> 17), im2col (stride 2).
  for (const ConvCase& c : {ConvCase{3, 2, 4, 6, 6, 3, 1, 1}, ConvCase{2, 16, 17, 6, 6, 3, 1, 1},
                            ConvCase{2, 3, 20, 7, 7, 3, 2, 1}}) {
    Conv2dLayer layer = random_conv(c, 1);
    SCOPED_TRACE(layer.description());
    const Tensor x = random_tensor({c.batch, c.in, c.height, c.width}, 2);
    const Tensor dy = random_tensor(layer.output_shape(x.shape()), 3);
    layer.forward(x, kTrain);
    layer.backward(dy, true);
    const Tensor dw = layer.parameters()[0]->grad.clone();
    const Tensor db = layer.parameters()[1]->grad.clone();
    layer.forward(x, kTrain);
    EXPECT_TRUE(layer.backward(dy, false).empty());
    for (int64_t i = 0; i < dw.size(); ++i) EXPECT_EQ(layer.parameters()[0]->grad[i], dw[i]);
    for (int64_t i = 0; i < db.size(); ++i) EXPECT_EQ(layer.parameters()[1]->grad[i], db[i]);
  }
}

TEST(PoolGradients, MaxPool2x2) {
  MaxPool2dLayer layer(2);
  expect_layer_gradients(layer, spread_tensor({2, 3, 6, 6}, 1), kTrain);
}

TEST(PoolGradients, MaxPool3x3Stride2Padding1) {
  MaxPool2dLayer layer(3, 2, 1);
  expect_layer_gradients(layer, spread_tensor({2, 2, 7, 7}, 2), kTrain);
}

TEST(PoolGradients, AvgPool2x2) {
  AvgPool2dLayer layer(2);
  expect_layer_gradients(layer, random_tensor({2, 3, 6, 6}, 3), kTrain);
}

TEST(PoolGradients, AvgPoolWithPaddingAndOverlap) {
  AvgPool2dLayer layer({3, 2}, Pair{2, 1}, Pair{1, 1});
  expect_layer_gradients(layer, random_tensor({2, 2, 5, 6}, 4), kTrain);
}

TEST(PoolGradients, GlobalAvgPool) {
  GlobalAvgPool2dLayer layer;
  expect_layer_gradients(layer, random_tensor({2, 3, 4, 5}, 5), kTrain);
}

// Forward values -------------------------------------------------------------------------------

// Shapes that take every lowering path: samples grouped per GEMM (small column matrices),
// including a partial last group; one sample per GEMM (large ones), with and without im2col;
// "same"-width taps copied whole, and row-by-row taps (strides, valid padding, non-square).
const ConvCase kNaiveCases[] = {{5, 1, 6, 28, 28, 5, 1, 2},
                                {3, 6, 16, 14, 14, 5, 1, 0},
                                {2, 8, 8, 12, 12, 3, 1, 1},
                                {2, 4, 6, 11, 9, 3, 2, 1},
                                {3, 5, 7, 6, 7, 1, 1, 0},
                                {2, 4, 3, 9, 9, 1, 2, 0},
                                {1, 3, 5, 10, 13, {2, 4}, {1, 3}, {1, 2}},
                                {2, 2, 3, 7, 7, 7, 1, 3},
                                {2, 16, 4, 24, 24, 3, 1, 1},
                                {2, 128, 4, 24, 24, 1, 1, 0},
                                {3, 32, 5, 20, 21, 3, 2, 0},
                                {2, 3, 2, 3, 3, 7, 1, 3},
                                // LeNet's second conv with a last, smaller group; rows
                                // padded, columns not.
                                {5, 6, 16, 14, 14, 5, 1, 0},
                                {3, 2, 3, 6, 8, 3, 1, {1, 0}},
                                // Winograd: odd output sizes (a half-empty last tile), padding
                                // 0, 2 and rows only, planes one tile wide (3x2 and 2x2
                                // inputs), 1x1 and 5x1 outputs, and a batch over two chunks,
                                // the second partial.
                                {2, 32, 24, 24, 24, 3, 1, 1},
                                {2, 36, 17, 9, 11, 3, 1, 0},
                                {2, 32, 32, 7, 6, 3, 1, 2},
                                {2, 32, 17, 8, 10, 3, 1, {1, 0}},
                                {2, 32, 17, 3, 2, 3, 1, 1},
                                {3, 33, 16, 2, 2, 3, 1, 1},
                                {2, 32, 20, 1, 1, 3, 1, 1},
                                {2, 32, 20, 5, 1, 3, 1, 1},
                                {3, 64, 64, 32, 32, 3, 1, 1},
                                // Winograd with 16 input channels (on AVX-512), and 256 x 256.
                                {2, 16, 24, 10, 10, 3, 1, 1},
                                {2, 256, 256, 3, 4, 3, 1, 1},
                                // Maps of up to 4 pixels as one dense layer: 2x2 and 1x1 maps,
                                // a 1x2 map with a non-square window, a strided 2x2 -> 1x1,
                                // one input channel, and padding only on one side of the map.
                                {3, 5, 7, 2, 2, 3, 1, 1},
                                {2, 9, 4, 1, 1, 3, 1, 1},
                                {2, 3, 6, 1, 2, {3, 2}, 1, {1, 0}},
                                {2, 4, 3, 2, 2, 3, 2, 1},
                                {4, 1, 2, 2, 1, 3, 1, 1},
                                {2, 2, 2, 2, 2, {3, 2}, 1, {1, 0}}};

TEST(ConvForward, MatchesANaiveDirectConvolution) {
  uint64_t seed = 100;
  for (const ConvCase& c : kNaiveCases) {
    Conv2dLayer layer = random_conv(c, seed);
    SCOPED_TRACE(layer.description() + " batch " + std::to_string(c.batch));
    const Tensor x = random_tensor({c.batch, c.in, c.height, c.width}, seed + 2);
    expect_near("y", layer.forward(x, kTrain),
                naive_conv(c, x, layer.parameters()[0]->value, layer.parameters()[1]->value),
                1e-4f);
    seed += 3;
  }
}

TEST(ConvBackward, MatchesANaiveBackwardPass) {
  uint64_t seed = 200;
  for (const ConvCase& c : kNaiveCases) {
    Conv2dLayer layer = random_conv(c, seed);
    SCOPED_TRACE(layer.description() + " batch " + std::to_string(c.batch));
    const Tensor x = random_tensor({c.batch, c.in, c.height, c.width}, seed + 2);
    const Tensor dy = random_tensor(layer.output_shape(x.shape()), seed + 3);
    layer.forward(x, kTrain);
    const Tensor dx = layer.backward(dy, true);
    const ConvGrads expected = naive_conv_backward(c, x, layer.parameters()[0]->value, dy);
    expect_near("dw", layer.parameters()[0]->grad, expected.dw, 2e-3f);
    expect_near("db", layer.parameters()[1]->grad, expected.db, 2e-3f);
    expect_near("dx", dx, expected.dx, 1e-4f);
    seed += 4;
  }
}

// conv2d picks one lowering per shape; each must also hold on the shapes that take another,
// so every lowering runs here against the naive definition on every case it can take.
TEST(ConvLowerings, EveryLoweringMatchesTheNaiveConvolution) {
  uint64_t seed = 300;
  std::map<std::string, int> cases_taken;
  for (const ConvCase& c : kNaiveCases) {
    const Conv2dDims d{c.batch, c.in, c.height, c.width, c.out, {c.kernel, c.stride, c.padding}};
    const NaiveCase n = naive_case(c, seed);
    SCOPED_TRACE(n.name);
    seed += 4;
    for (const Conv2dLowering& lowering : kConv2dLowerings) {
      if (!lowering.suits(d)) continue;
      SCOPED_TRACE(lowering.name);
      ++cases_taken[lowering.name];
      if (lowering.suits == conv2d_winograd_suits && c.batch > conv2d_winograd_samples_per_chunk(d))
        ++cases_taken["winograd over several chunks"];
      Tensor workspace({lowering.workspace_size(d)});
      ConvResults r{Tensor(n.y.shape()), Tensor(n.w.shape()), Tensor(n.b.shape()),
                    Tensor(n.x.shape())};
      lowering.forward(d, n.x.data(), n.w.data(), n.b.data(), r.y.data(), workspace.data());
      lowering.backward(d, n.x.data(), n.w.data(), n.dy.data(), r.dw.data(), r.db.data(),
                        r.dx.data(), workspace.data());
      expect_matches_naive(r, n);
    }
  }
  EXPECT_GE(cases_taken["small-map"], 8);  // the six above and Winograd's 2x2 and 1x1 maps
  EXPECT_GE(cases_taken["direct"], 6);  // LeNet's two convs, 8 output channels, padding, odd sizes
  EXPECT_GE(cases_taken["winograd"], 7);  // odd sizes, paddings 0 to 2, one tile row
  EXPECT_GE(cases_taken["winograd over several chunks"], 1);
}

TEST(ConvLowerings, AnEmptyBatchHasZeroGradients) {
  // 16 -> 20 channels: Winograd and im2col; 16 -> 8: the direct kernels; on a 2x2 map, the
  // small-map lowering too.
  for (const auto& [out, size] : {std::pair{20, 6}, {8, 6}, {20, 2}}) {
    const Conv2dDims d{0, 16, size, size, out, {3, 1, 1}};
    for (const Conv2dLowering& lowering : kConv2dLowerings) {
      if (!lowering.suits(d)) continue;
      SCOPED_TRACE(std::string(lowering.name) + ", " + std::to_string(out) + " outputs");
      Tensor workspace({lowering.workspace_size(d)});
      const Tensor w = random_tensor({out, 16, 3, 3}, 1), x({0, 16, size, size}),
                   dy({0, out, size, size});
      Tensor dw(w.shape()), db({out});
      dw.fill(1.0f);
      db.fill(1.0f);
      lowering.backward(d, x.data(), w.data(), dy.data(), dw.data(), db.data(), nullptr,
                        workspace.data());
      for (int64_t i = 0; i < dw.size(); ++i) ASSERT_EQ(dw[i], 0.0f);
      for (int64_t i = 0; i < db.size(); ++i) ASSERT_EQ(db[i], 0.0f);
    }
  }
}

TEST(ConvLowerings, MapsOfAFewPixelsAreOneDenseLayer) {
  const auto dims = [](int64_t height, int64_t width, Window2d window) {
    return Conv2dDims{32, 128, height, width, 44, window};
  };
  EXPECT_TRUE(conv2d_small_map_suits(dims(2, 2, {3, 1, 1})));  // the SSD's 2x2 scale
  EXPECT_TRUE(conv2d_small_map_suits(dims(1, 1, {3, 1, 1})));  // and its 1x1 ones
  EXPECT_TRUE(conv2d_small_map_suits(dims(1, 4, {3, 1, 1})));
  EXPECT_FALSE(conv2d_small_map_suits(dims(3, 3, {3, 1, 1})));  // 9 pixels: as many as taps
  EXPECT_FALSE(conv2d_small_map_suits(dims(1, 5, {3, 1, 1})));
  EXPECT_FALSE(conv2d_small_map_suits(dims(2, 2, {1, 1, 0})));  // 1x1 kernel: GEMM as it is
  EXPECT_FALSE(conv2d_small_map_suits(dims(2, 2, {3, 1, 2})));  // 16 outputs of padding
  const Conv2dDims two_by_two = dims(2, 2, {3, 1, 1});
  EXPECT_STREQ(conv2d_lowering(two_by_two).name, "small-map");
}

TEST(ConvLowerings, DirectKernelsTakeStrideOneConvsWithFewOutputChannels) {
  const auto dims = [](int64_t in, int64_t out, Pair stride) {
    return Conv2dDims{256, in, 14, 14, out, {5, stride, 0}};
  };
  EXPECT_TRUE(conv2d_direct_suits(dims(1, 6, 1)));     // LeNet
  EXPECT_TRUE(conv2d_direct_suits(dims(6, 16, 1)));    // LeNet
  EXPECT_FALSE(conv2d_direct_suits(dims(64, 64, 1)));  // wide: Winograd or im2col + BLIS
  EXPECT_FALSE(conv2d_direct_suits(dims(6, 16, 2)));
  EXPECT_FALSE(conv2d_direct_suits(dims(6, 16, {1, 2})));
  // 32 outputs from fewer than 32 inputs with AVX-512 only; from 32 inputs never.
  EXPECT_EQ(conv2d_direct_suits(dims(16, 32, 1)), direct_kernels_avx512() != nullptr);
  EXPECT_FALSE(conv2d_direct_suits(dims(32, 32, 1)));
  // 3x3 layers that Winograd takes go to it where its products run on gemm_avx512 (the tiny
  // SSD's 16 -> 16 at 64x64 and its box predictors); LeNet-like ones stay direct.
  const Conv2dDims ssd_first{32, 16, 64, 64, 16, {3, 1, 1}}, narrow{32, 8, 64, 64, 16, {3, 1, 1}};
  EXPECT_EQ(conv2d_direct_suits(ssd_first), !gemm_avx512_available());
  EXPECT_TRUE(conv2d_direct_suits(narrow));
}

// The direct kernels' instruction sets: AVX2, and AVX-512 on CPUs that have it (a test machine
// without it checks only AVX2's). The shapes leave remainders in every register tile: 1 to 16
// output channels (along the lanes for 8 and 16), 1 to 16 input channels (the input
// gradient's output channels), odd widths, kernels 1x1 to 5x5, paddings, and batches over
// several chunks.
std::vector<ConvCase> direct_cases() {
  std::vector<ConvCase> cases = {{3, 16, 16, 13, 11, 3, 1, 1},
                                 {2, 3, 8, 9, 17, 3, 1, 1},
                                 {2, 5, 16, 14, 14, 5, 1, 0},
                                 {2, 1, 6, 28, 28, 5, 1, 2},
                                 {3, 7, 13, 10, 9, {2, 3}, 1, {1, 0}},
                                 {2, 2, 16, 6, 37, 1, 1, 0},
                                 {4, 11, 5, 8, 8, 3, 1, 2},
                                 {40, 16, 16, 5, 5, 3, 1, 1},
                                 {2, 16, 16, 64, 64, 3, 1, 1},
                                 // paddings as wide as the kernel: the scatter input gradient
                                 {2, 4, 16, 6, 5, 2, 1, 2},
                                 {2, 3, 5, 6, 7, 1, 1, 1},
                                 // 32 output channels: along the lanes with AVX-512
                                 {2, 16, 32, 9, 11, 3, 1, 1},
                                 {3, 5, 32, 7, 6, 5, 1, 2}};
  for (int64_t out = 1; out <= 16; ++out)
    cases.push_back({2, 17 - out, out, 5 + out % 4, 3 + 2 * (out % 5), 3, 1, 1});
  return cases;
}

std::vector<std::pair<std::string, const DirectKernels*>> direct_kernel_sets() {
  std::vector<std::pair<std::string, const DirectKernels*>> sets = {
      {"AVX2", &direct_kernels_avx2()}};
  if (const DirectKernels* avx512 = direct_kernels_avx512()) sets.push_back({"AVX-512", avx512});
  return sets;
}

ConvResults run_direct(const DirectKernels& kernels, const ConvCase& c, const Tensor& x,
                       const Tensor& w, const Tensor& b, const Tensor& dy) {
  const Conv2dDims d{c.batch, c.in, c.height, c.width, c.out, {c.kernel, c.stride, c.padding}};
  Tensor workspace({conv2d_direct_workspace_size(d)});
  ConvResults r{Tensor(dy.shape()), Tensor(w.shape()), Tensor(b.shape()), Tensor(x.shape())};
  conv2d_direct_forward(kernels, d, x.data(), w.data(), b.data(), r.y.data(), workspace.data());
  conv2d_direct_backward(kernels, d, x.data(), w.data(), dy.data(), r.dw.data(), r.db.data(),
                         r.dx.data(), workspace.data());
  return r;
}

TEST(ConvDirectKernels, EachInstructionSetMatchesTheNaiveConvolution) {
  uint64_t seed = 400;
  for (const ConvCase& c : direct_cases()) {
    const NaiveCase n = naive_case(c, seed);
    SCOPED_TRACE(n.name);
    seed += 4;
    for (const auto& [name, kernels] : direct_kernel_sets()) {
      SCOPED_TRACE(name);
      expect_matches_naive(run_direct(*kernels, c, n.x, n.w, n.b, n.dy), n);
    }
  }
}

void expect_same_bits(const std::string& what, const Tensor& actual, const Tensor& expected) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (int64_t i = 0; i < actual.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint32_t>(actual[i]), std::bit_cast<uint32_t>(expected[i]))
        << what << " element " << i;
}

TEST(ConvDirectKernels, Avx2AndAvx512GiveTheSameBits) {
  const DirectKernels* avx512 = direct_kernels_avx512();
  if (!avx512) GTEST_SKIP() << "this CPU has no AVX-512";
  uint64_t seed = 500;
  for (const ConvCase& c : direct_cases()) {
    const ConvOperands o = random_operands(c, seed);
    SCOPED_TRACE(o.name);
    seed += 4;
    const ConvResults expected = run_direct(direct_kernels_avx2(), c, o.x, o.w, o.b, o.dy);
    const ConvResults actual = run_direct(*avx512, c, o.x, o.w, o.b, o.dy);
    expect_same_bits("y", actual.y, expected.y);
    expect_same_bits("dw", actual.dw, expected.dw);
    expect_same_bits("db", actual.db, expected.db);
    expect_same_bits("dx", actual.dx, expected.dx);
  }
}

TEST(ConvLowerings, WinogradTakesWideThreeByThreeStrideOneConvs) {
  const auto dims = [](int64_t in, int64_t out, Pair kernel, Pair stride) {
    return Conv2dDims{32, in, 24, 24, out, {kernel, stride, 1}};
  };
  EXPECT_TRUE(conv2d_winograd_suits(dims(64, 64, 3, 1)));    // ResNet's 3x3 convs
  EXPECT_TRUE(conv2d_winograd_suits(dims(128, 256, 3, 1)));  // VGG's
  EXPECT_FALSE(conv2d_winograd_suits(dims(64, 128, 3, 2)));  // a stage's first, strided conv
  EXPECT_FALSE(conv2d_winograd_suits(dims(64, 128, 1, 1)));  // 1x1 shortcuts
  EXPECT_FALSE(conv2d_winograd_suits(dims(64, 64, 5, 1)));
  EXPECT_FALSE(conv2d_winograd_suits(dims(64, 64, {3, 1}, 1)));
  EXPECT_FALSE(conv2d_winograd_suits(dims(1, 64, 3, 1)));  // too few input channels
  // 16 input channels: faster than im2col only with the products on gemm_avx512.
  EXPECT_EQ(conv2d_winograd_suits(dims(16, 32, 3, 1)), gemm_avx512_available());
  EXPECT_FALSE(conv2d_winograd_suits(dims(8, 32, 3, 1)));
  // ResNet-18's last stages on 32x32 inputs: 2x2 and even 1x1 planes gain.
  EXPECT_TRUE(conv2d_winograd_suits(Conv2dDims{128, 64, 2, 2, 64, {3, 1, 1}}));
  EXPECT_TRUE(conv2d_winograd_suits(Conv2dDims{128, 128, 1, 1, 128, {3, 1, 1}}));
  EXPECT_TRUE(conv2d_winograd_suits(Conv2dDims{128, 128, 4, 1, 128, {3, 1, 1}}));
}

// Winograd's unpacked products against a double-precision product: row counts around the
// 14-row blocks, column counts around the 16-lane vectors, A read both ways, C with a row
// stride wider than n whose extra columns must stay untouched, and accumulation into C.
TEST(GemmAvx512, MatchesADoublePrecisionProduct) {
  if (!gemm_avx512_available()) GTEST_SKIP() << "no AVX-512 on this CPU";
  uint64_t seed = 500;
  for (const int64_t m : {1, 13, 14, 15, 29})
    for (const int64_t n : {8, 16, 17, 40, 64})
      for (const int64_t k : {1, 9, 70})
        for (const bool transposed : {false, true})
          for (const bool accumulate : {false, true}) {
            SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                         (transposed ? " A^T" : "") + (accumulate ? " +=" : ""));
            const Tensor a = random_tensor({m * k}, seed), b = random_tensor({k, n}, seed + 1);
            Tensor c = random_tensor({m, n + 3}, seed + 2);
            const Tensor before = random_tensor({m, n + 3}, seed + 2);
            seed += 3;
            const StridedMatrix am =
                transposed ? StridedMatrix{a.data(), 1, m} : StridedMatrix{a.data(), k, 1};
            gemm_avx512(m, n, k, am, b.data(), n, c.data(), n + 3, accumulate);
            for (int64_t i = 0; i < m; ++i)
              for (int64_t j = 0; j < n + 3; ++j) {
                double expected = accumulate || j >= n ? before[i * (n + 3) + j] : 0.0;
                for (int64_t p = 0; p < k && j < n; ++p)
                  expected += double(am.data[i * am.row_stride + p * am.col_stride]) * b[p * n + j];
                ASSERT_NEAR(c[i * (n + 3) + j], expected, 1e-4) << "at " << i << ", " << j;
              }
          }
}

TEST(ConvForward, D2lCrossCorrelationExample) {
  Conv2dLayer layer(1, 1, 2);
  layer.parameters()[0]->value = from_values({1, 1, 2, 2}, {0, 1, 2, 3});
  expect_values(layer.forward(arange({1, 1, 3, 3}), kTrain), {1, 1, 2, 2}, {19, 25, 37, 43});
}

TEST(ConvForward, BiasAndChannelsAddUp) {
  // Two input channels of ones, a 1x1 kernel (2, 3) and bias 1: every output is 2 + 3 + 1.
  Conv2dLayer layer(2, 1, 1);
  layer.parameters()[0]->value = from_values({1, 2, 1, 1}, {2, 3});
  layer.parameters()[1]->value = from_values({1}, {1});
  Tensor x({1, 2, 2, 2});
  x.fill(1.0f);
  expect_values(layer.forward(x, kTrain), {1, 1, 2, 2}, {6, 6, 6, 6});
}

TEST(ConvForward, ReusesItsBuffersOnceShapesAreStable) {
  Conv2dLayer layer(1, 2, 3, 1, 1);
  const float* first = layer.forward(random_tensor({4, 1, 6, 6}, 1), kTrain).data();
  EXPECT_EQ(layer.forward(random_tensor({4, 1, 6, 6}, 2), kTrain).data(), first);
  EXPECT_EQ(layer.forward(random_tensor({3, 1, 6, 6}, 3), kTrain).data(), first);  // last batch
}

TEST(PoolForward, D2lMaxAndAveragePooling2x2) {
  MaxPool2dLayer max_pool(2, 1);
  AvgPool2dLayer avg_pool(2, 1);
  expect_values(max_pool.forward(arange({1, 1, 3, 3}), kTrain), {1, 1, 2, 2}, {4, 5, 7, 8});
  expect_values(avg_pool.forward(arange({1, 1, 3, 3}), kTrain), {1, 1, 2, 2}, {2, 3, 5, 6});
}

TEST(PoolForward, D2lMaxPoolingWithPaddingAndStride) {
  const Tensor x = arange({1, 1, 4, 4});
  MaxPool2dLayer default_stride(3);
  expect_values(default_stride.forward(x, kTrain), {1, 1, 1, 1}, {10});
  MaxPool2dLayer padded(3, 2, 1);
  expect_values(padded.forward(x, kTrain), {1, 1, 2, 2}, {5, 7, 13, 15});
  MaxPool2dLayer rectangular({2, 3}, Pair{2, 3}, Pair{0, 1});
  expect_values(rectangular.forward(x, kTrain), {1, 1, 2, 2}, {5, 7, 13, 15});
}

TEST(PoolForward, MaxPoolingPadsWithMinusInfinity) {
  // All inputs negative: zero padding would win, -inf padding does not.
  Tensor x = arange({1, 1, 2, 2});
  for (int64_t i = 0; i < 4; ++i) x[i] = -1.0f - x[i];
  MaxPool2dLayer layer(2, 1, 1);
  expect_values(layer.forward(x, kTrain), {1, 1, 3, 3}, {-1, -1, -2, -1, -1, -2, -3, -3, -4});
}

TEST(PoolForward, MaxPoolingPropagatesNaN) {
  Tensor x = arange({1, 1, 2, 4});
  x[1] = std::numeric_limits<float>::quiet_NaN();
  MaxPool2dLayer layer(2);
  const Tensor& y = layer.forward(x, kTrain);
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], 7.0f);
}

TEST(PoolForward, AveragePoolingCountsPaddingInTheDivisor) {
  AvgPool2dLayer layer(3, 2, 1);
  expect_values(layer.forward(arange({1, 1, 4, 4}), kTrain), {1, 1, 2, 2},
                {10.0f / 9, 24.0f / 9, 51.0f / 9, 90.0f / 9});
}

TEST(PoolForward, PoolsEachChannelOnItsOwn) {
  Tensor x = arange({2, 2, 2, 2});
  MaxPool2dLayer layer(2);
  expect_values(layer.forward(x, kTrain), {2, 2, 1, 1}, {3, 7, 11, 15});
  GlobalAvgPool2dLayer global;
  expect_values(global.forward(x, kTrain), {2, 2, 1, 1}, {1.5f, 5.5f, 9.5f, 13.5f});
}

// Shapes and errors ----------------------------------------------------------------------------

TEST(ConvShape, D2lPaddingAndStrideExamples) {
  const Shape x{1, 1, 8, 8};
  EXPECT_EQ(Conv2dLayer(1, 1, 3, 1, 1).output_shape(x), (Shape{1, 1, 8, 8}));
  EXPECT_EQ(Conv2dLayer(1, 1, {5, 3}, 1, {2, 1}).output_shape(x), (Shape{1, 1, 8, 8}));
  EXPECT_EQ(Conv2dLayer(1, 1, 3, 2, 1).output_shape(x), (Shape{1, 1, 4, 4}));
  EXPECT_EQ(Conv2dLayer(1, 1, {3, 5}, {3, 4}, {0, 1}).output_shape(x), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(Conv2dLayer(3, 64, 7, 2, 3).output_shape({32, 3, 96, 96}), (Shape{32, 64, 48, 48}));
  EXPECT_EQ(MaxPool2dLayer(3, 2, 1).output_shape({32, 64, 48, 48}), (Shape{32, 64, 24, 24}));
  EXPECT_EQ(GlobalAvgPool2dLayer().output_shape({32, 512, 3, 3}), (Shape{32, 512, 1, 1}));
}

void expect_user_error(const std::function<void()>& action, const std::string& message) {
  try {
    action();
    ADD_FAILURE() << "no error; expected: " << message;
  } catch (const UserError& e) {
    EXPECT_EQ(e.what(), message);
  }
}

TEST(ConvShape, BadInputsNameTheLayer) {
  const Conv2dLayer layer(1, 6, 5, 1, 2);
  const std::string name = "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))";
  expect_user_error(
      [&] {
        layer.output_shape({256, 3, 28, 28});
      },
      name + " got input [256, 3, 28, 28]: expected 1 channels");
  expect_user_error(
      [&] {
        layer.output_shape({256, 784});
      },
      name + " got input [256, 784]: expected [batch, channels, height, width]");
  const Conv2dLayer unpadded(1, 6, 5);
  expect_user_error(
      [&] {
        unpadded.output_shape({2, 1, 3, 3});
      },
      "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(0, 0)) got input [2, 1, 3, 3]: "
      "kernel (5, 5) is larger than the padded input (3, 3)");
}

TEST(PoolShape, BadInputsAndWindowsNameTheLayer) {
  expect_user_error(
      [] {
        MaxPool2dLayer(2).output_shape({4, 1, 1, 8});
      },
      "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0)) got input "
      "[4, 1, 1, 8]: kernel (2, 2) is larger than the padded input (1, 8)");
  expect_user_error([] { AvgPool2dLayer(2, 2, 2); },
                    "AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(2, 2)): padding must "
                    "be at most half the kernel size");
  expect_user_error(
      [] {
        GlobalAvgPool2dLayer().output_shape({4, 8});
      },
      "AdaptiveAvgPool2d(output_size=(1, 1)) got input [4, 8]: expected [batch, "
      "channels, height, width]");
  expect_user_error([] { Conv2dLayer(1, 6, 3, 0); },
                    "Conv2d(1, 6, kernel_size=(3, 3), stride=(0, 0), padding=(0, 0)): kernel and "
                    "stride must be positive and padding not negative");
}

}  // namespace
}  // namespace hpsweep::testing
