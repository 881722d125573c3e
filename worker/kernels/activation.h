// Elementwise activations over n floats. Backward passes use the forward *output* y, which
// every layer keeps anyway, so no input copy is needed: relu' = [y > 0], sigmoid' = y(1-y),
// tanh' = 1 - y^2. ReLU's derivative at exactly 0 is taken as 0, as in PyTorch.
#pragma once

#include <cstdint>

namespace hpsweep {

enum class Activation { relu, sigmoid, tanh };

void activation_forward(Activation kind, const float* x, float* y, int64_t n);
void activation_backward(Activation kind, const float* y, const float* dy, float* dx, int64_t n);

}  // namespace hpsweep
