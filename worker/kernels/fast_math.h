// Inline float functions that vectorize under `#pragma omp simd` without -ffast-math, for the
// elementwise loops of activations and recurrent cells. Each gives the same bits in a vector
// lane as in the scalar tail (explicit fma, no library calls).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace hpsweep {

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

inline float sigmoid_poly(float x) {
  return 1.0f / (1.0f + exp_poly(-x));
}

// tanh as Cephes' tanhf, within 2 ulp of std::tanh: an odd polynomial below |x| = 0.625,
// where 1 - 2 / (exp(2|x|) + 1) would lose the small result to cancellation, that formula
// above. Both are computed and one is picked by an integer mask on the bits: GCC will not
// if-convert a float comparison (it may trap on NaN under the default -ftrapping-math), which
// keeps the loop scalar. |x|'s bits order as |x| does; a NaN picks the formula, which is NaN.
inline float tanh_poly(float x) {
  const float a = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = std::fma(p, z, 2.06390887954e-2f);
  p = std::fma(p, z, -5.37397155531e-2f);
  p = std::fma(p, z, 1.33314422036e-1f);
  p = std::fma(p, z, -3.33332819422e-1f);
  const float small = std::copysign(std::fma(p * z, x, x), x);  // tanh(-0) is -0
  const float large = std::copysign(1.0f - 2.0f / (exp_poly(2.0f * a) + 1.0f), x);
  const int32_t use_small = std::bit_cast<int32_t>(a) < std::bit_cast<int32_t>(0.625f) ? -1 : 0;
  return std::bit_cast<float>((std::bit_cast<int32_t>(small) & use_small) |
                              (std::bit_cast<int32_t>(large) & ~use_small));
}

}  // namespace hpsweep
