// 8-float vectors for the convolution kernels: one AVX2 register under -march=x86-64-v3
// (HPSWEEP_ARCH_FLAGS); GCC and Clang lower the type to narrower vectors on other targets, so
// the code stays portable and its lanes are computed alike everywhere.
#pragma once

#include <cstdint>
#include <cstring>

namespace hpsweep {

typedef float Vec __attribute__((vector_size(32)));
constexpr int64_t kLanes = 8;

inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}
inline void store(float* p, Vec v) {
  std::memcpy(p, &v, sizeof v);
}
inline Vec broadcast(float s) {
  return Vec{s, s, s, s, s, s, s, s};
}

}  // namespace hpsweep
