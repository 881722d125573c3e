#include "worker/kernels/activation.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace hpsweep {
namespace {

// exp(x) as Cephes' expf: x = n ln2 + r with |r| <= ln2/2, exp(r) by a degree-6 polynomial,
// 2^n put into the exponent bits. About 1 ulp from std::exp, but unlike glibc's scalar expf it
// inlines and vectorizes without -ffast-math; the explicit fma keeps every element's result
// the same whether it is computed in a vector lane or in the scalar tail.
inline float exp_poly(float x) {
  // Clamped so that n lies in [-126, 128]: 2^n is a normal float, or infinity for n = 128
  // (from x > 88.4, slightly early). Results below exp(-87) stay there instead of going
  // denormal. NaN passes both comparisons unchanged.
  x = x > 89.0f ? 89.0f : x;
  x = x < -87.0f ? -87.0f : x;
  // Round x / ln2 to the nearest integer: adding 1.5 * 2^23 leaves it in the low mantissa bits.
  constexpr float kShift = 12582912.0f;
  const float t = std::fma(x, 1.44269504088896341f, kShift);
  const float n = t - kShift;
  float r = std::fma(n, -0.693359375f, x);  // ln2 in two parts, so r is exact enough
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = std::fma(p, r, 1.3981999507e-3f);
  p = std::fma(p, r, 8.3334519073e-3f);
  p = std::fma(p, r, 4.1665795894e-2f);
  p = std::fma(p, r, 1.6666665459e-1f);
  p = std::fma(p, r, 5.0000001201e-1f);
  const float e = std::fma(p, r * r, r) + 1.0f;
  const int32_t bits = (std::bit_cast<int32_t>(t) - std::bit_cast<int32_t>(kShift) + 127) << 23;
  return e * std::bit_cast<float>(bits);
}

}  // namespace

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
