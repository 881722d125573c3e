// 8-float vectors for the convolution kernels: one AVX2 register under -march=x86-64-v3
// (HPSWEEP_ARCH_FLAGS); GCC and Clang lower the type to narrower vectors on other targets, so
// the code stays portable and its lanes are computed alike everywhere.
#pragma once

#include <cstdint>
#include <cstring>

namespace hpsweep {

// Vectors of 8 or 16 floats, for kernels written once for both widths and compiled once per
// instruction set (conv2d_direct_tiles.h). The helpers are always inlined: they get compiled
// under different -march flags, and an out-of-line copy from one could be linked into the other.
template <int Lanes>
struct FloatVecOf;
template <>
struct FloatVecOf<8> {
  typedef float type __attribute__((vector_size(8 * sizeof(float))));
};
template <>
struct FloatVecOf<16> {
  typedef float type __attribute__((vector_size(16 * sizeof(float))));
};
template <int Lanes>
using FloatVec = typename FloatVecOf<Lanes>::type;

template <typename V>
constexpr int kLanesOf = sizeof(V) / sizeof(float);

template <typename V>
[[gnu::always_inline]] inline V load_vec(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}
template <typename V>
[[gnu::always_inline]] inline void store_vec(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}
template <typename V>
[[gnu::always_inline]] inline V broadcast_vec(float s) {
  // A vector plus a scalar adds it to every lane: one broadcast, and no out-of-line helper
  // (a lambda here was emitted as a shared weak symbol at -O0).
  return V{} + s;
}

// The 8-float vectors of the kernels written for AVX2 only (Winograd's transforms).
using Vec = FloatVec<8>;
constexpr int64_t kLanes = 8;

inline Vec load(const float* p) {
  return load_vec<Vec>(p);
}
inline void store(float* p, Vec v) {
  store_vec(p, v);
}
inline Vec broadcast(float s) {
  return broadcast_vec<Vec>(s);
}

}  // namespace hpsweep
