#include "worker/kernels/activation.h"

#include <cmath>

#include "worker/kernels/fast_math.h"

namespace hpsweep {

void activation_forward(Activation kind, const float* x, float* y, int64_t n) {
  switch (kind) {
    case Activation::relu:
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      return;
    case Activation::sigmoid:
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + exp_poly(-x[i]));
      return;
    case Activation::tanh:
      for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
      return;
  }
}

void activation_backward(Activation kind, const float* y, const float* dy, float* dx, int64_t n) {
  switch (kind) {
    case Activation::relu:
      for (int64_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
      return;
    case Activation::sigmoid:
      for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
      return;
    case Activation::tanh:
      for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
      return;
  }
}

}  // namespace hpsweep
