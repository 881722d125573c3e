#include "support/gradient_check.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/rng.h"

namespace hpsweep::testing {

void expect_gradient_matches(const std::string& what, Tensor& variable, const Tensor& analytic,
                             const std::function<double()>& loss, GradientTolerance tolerance) {
  ASSERT_EQ(variable.shape(), analytic.shape()) << what;
  int failures = 0;
  for (int64_t i = 0; i < variable.size(); ++i) {
    const float saved = variable[i];
    variable[i] = saved + static_cast<float>(tolerance.eps);
    const double plus = loss();
    variable[i] = saved - static_cast<float>(tolerance.eps);
    const double minus = loss();
    variable[i] = saved;
    const double numeric = (plus - minus) / (2.0 * tolerance.eps);
    const double allowed =
        tolerance.absolute +
        tolerance.relative * std::max(std::abs(numeric), std::abs(double{analytic[i]}));
    if (std::abs(numeric - analytic[i]) > allowed && ++failures <= 5)
      ADD_FAILURE() << what << "[" << i << "]: analytic " << analytic[i] << ", numeric " << numeric;
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << variable.size()
                         << " elements differ";
}

void expect_layer_gradients(Layer& layer, Tensor x, const BatchContext& context,
                            GradientTolerance tolerance) {
  const Shape out_shape = layer.output_shape(x.shape());
  const Tensor weights = random_tensor(out_shape, 99);
  auto loss = [&] {
    const Tensor& y = layer.forward(x, context);
    double total = 0;
    for (int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
    return total;
  };
  loss();
  const Tensor input_grad = layer.backward(weights, true).clone();
  std::vector<Tensor> param_grads;
  for (Parameter* p : layer.parameters()) param_grads.push_back(p->grad.clone());

  expect_gradient_matches(layer.kind() + " input", x, input_grad, loss, tolerance);
  const auto params = layer.parameters();
  for (size_t i = 0; i < params.size(); ++i)
    expect_gradient_matches(layer.kind() + " " + params[i]->name, params[i]->value, param_grads[i],
                            loss, tolerance);
}

Tensor random_tensor(const Shape& shape, uint64_t seed, double kink_margin) {
  Tensor t(shape);
  Rng rng(seed);
  for (int64_t i = 0; i < t.size(); ++i) {
    double v = rng.uniform(-1.0, 1.0);
    if (std::abs(v) < kink_margin) v = v < 0 ? -kink_margin - std::abs(v) : kink_margin + v;
    t[i] = static_cast<float>(v);
  }
  return t;
}

}  // namespace hpsweep::testing
