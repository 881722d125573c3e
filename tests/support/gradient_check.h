// The one finite-difference gradient check every op must pass. It perturbs each element of a
// tensor by +-eps, evaluates a scalar loss in double precision, and compares the central
// difference with the analytic gradient. Layers are checked through the scalar
// L = sum(forward(x) * R) for a fixed random R, whose output gradient is R itself.
#pragma once

#include <functional>
#include <string>

#include "common/tensor.h"
#include "worker/layers/layer.h"

namespace hpsweep::testing {

struct GradientTolerance {
  double eps = 1e-2;  // float32 needs a large step; the ops tested are smooth within it
  double absolute = 2e-3;
  double relative = 1e-2;
};

// Expects analytic[i] == d loss / d variable[i] for every i.
void expect_gradient_matches(const std::string& what, Tensor& variable, const Tensor& analytic,
                             const std::function<double()>& loss, GradientTolerance tolerance = {});

// Checks a layer's input gradient and every parameter gradient at input x.
void expect_layer_gradients(Layer& layer, Tensor x, const BatchContext& context,
                            GradientTolerance tolerance = {});

// Uniform values in [-1, 1]; with kink_margin > 0, values are pushed at least that far from 0
// (ReLU's derivative jumps there, so a finite difference across 0 is meaningless).
Tensor random_tensor(const Shape& shape, uint64_t seed, double kink_margin = 0.0);

}  // namespace hpsweep::testing
