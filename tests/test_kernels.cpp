// Kernel properties beyond gradients: numerical stability, dropout statistics and
// independence from batch layout, initialiser statistics.
#include <gtest/gtest.h>

#include <cmath>

#include "common/blas.h"
#include "support/gradient_check.h"
#include "worker/initializer.h"
#include "worker/kernels/dropout.h"
#include "worker/kernels/softmax_cross_entropy.h"
#include "worker/model_factory.h"

namespace hpsweep::testing {
namespace {

TEST(SoftmaxCrossEntropy, HugeLogitsStayFinite) {
  const float logits[] = {1000.0f, 0.0f, -1000.0f, 50.0f, 1000.0f, 999.0f};
  const int32_t labels[] = {1, 0};
  float p[6];
  const LossSums sums = softmax_cross_entropy_forward(logits, labels, 2, 3, p);
  // Row 0: loss = logsumexp - z[1] = 1000; row 1: log(e^0 + e^1 + e^-949) + 1 - 50 ... computed in
  // shifted form: max 1000, loss = 1000 + log(1 + e^-1 + e^-950) - 50.
  const double expected = 1000.0 + (1000.0 + std::log1p(std::exp(-1.0)) - 50.0);
  EXPECT_NEAR(sums.loss, expected, 1e-3);
  EXPECT_EQ(sums.errors, 2);
  for (float v : p) EXPECT_TRUE(std::isfinite(v));
}

TEST(SoftmaxCrossEntropy, UniformLogitsGiveLogClasses) {
  const float logits[] = {2.0f, 2.0f, 2.0f, 2.0f};
  const int32_t label = 3;
  float p[4];
  EXPECT_NEAR(softmax_cross_entropy_forward(logits, &label, 1, 4, p).loss, std::log(4.0), 1e-6);
}

TEST(Dropout, KeepsTheExpectationAndTheRate) {
  const int64_t batch = 200, features = 500;
  std::vector<int64_t> ids(batch);
  for (int64_t i = 0; i < batch; ++i) ids[i] = i;
  std::vector<float> mask(batch * features);
  dropout_make_mask(42, ids.data(), batch, features, 0.3, mask.data());
  double sum = 0;
  int64_t kept = 0;
  for (float m : mask) {
    sum += m;
    kept += m != 0.0f;
    if (m != 0.0f) {
      EXPECT_FLOAT_EQ(m, 1.0f / 0.7f);
    }
  }
  EXPECT_NEAR(sum / mask.size(), 1.0, 0.01);
  EXPECT_NEAR(static_cast<double>(kept) / mask.size(), 0.7, 0.01);
}

TEST(Dropout, MaskFollowsTheSampleNotItsRow) {
  // Rows hold samples {5, 9} in one batch and {9} alone in another: sample 9 gets one mask.
  const int64_t features = 64;
  const int64_t both[] = {5, 9}, alone[] = {9};
  std::vector<float> a(2 * features), b(features);
  dropout_make_mask(7, both, 2, features, 0.5, a.data());
  dropout_make_mask(7, alone, 1, features, 0.5, b.data());
  for (int64_t f = 0; f < features; ++f) EXPECT_EQ(a[features + f], b[f]);
  int64_t differ = 0;
  for (int64_t f = 0; f < features; ++f) differ += a[f] != a[features + f];
  EXPECT_GT(differ, 0) << "different samples must get different masks";
}

TEST(Gemm, TransposesMatchTheDefinition) {
  // op(A)[2x3] * op(B)[3x2] for all four transpose combinations against a naive product.
  const Tensor a = random_tensor({6}, 1), b = random_tensor({6}, 2);
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      float c[4] = {1, 1, 1, 1};
      gemm(ta ? Transpose::yes : Transpose::no, tb ? Transpose::yes : Transpose::no, 2, 2, 3, 2.0f,
           a.data(), ta ? 2 : 3, b.data(), tb ? 3 : 2, 0.5f, c, 2);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          double expected = 0.5;
          for (int k = 0; k < 3; ++k)
            expected +=
                2.0 * (ta ? a[k * 2 + i] : a[i * 3 + k]) * (tb ? b[j * 3 + k] : b[k * 2 + j]);
          EXPECT_NEAR(c[i * 2 + j], expected, 1e-5) << "ta=" << ta << " tb=" << tb;
        }
    }
}

double sample_std(const Tensor& t) {
  double sum = 0, squares = 0;
  for (int64_t i = 0; i < t.size(); ++i) {
    sum += t[i];
    squares += double{t[i]} * t[i];
  }
  const double mean = sum / t.size();
  return std::sqrt(squares / t.size() - mean * mean);
}

TEST(Initializer, SchemesHaveTheirVariance) {
  ModelConfig config;
  config.width = 400;
  config.depth = 1;
  const struct {
    InitScheme scheme;
    double expected_std;
  } cases[] = {
      {InitScheme::normal, 0.05},
      {InitScheme::xavier, std::sqrt(2.0 / (784 + 400))},  // uniform bound sqrt(6/(in+out))
      {InitScheme::he, std::sqrt(2.0 / 784)}};
  for (const auto& c : cases) {
    Model model = build_model(config, {1, 28, 28}, 10);
    initialize_parameters(model, c.scheme, 0.05, 3);
    const Tensor& w = model.parameters()[0].parameter->value;
    EXPECT_NEAR(sample_std(w), c.expected_std, 0.02 * c.expected_std);
    const Tensor& bias = model.parameters()[1].parameter->value;
    for (int64_t i = 0; i < bias.size(); ++i) EXPECT_EQ(bias[i], 0.0f);
  }
}

}  // namespace
}  // namespace hpsweep::testing
