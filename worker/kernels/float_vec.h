// 8-float vectors for the convolution kernels: one AVX2 register under -march=x86-64-v3
// (HPSWEEP_ARCH_FLAGS); GCC and Clang lower the type to narrower vectors on other targets, so
// the code stays portable and its lanes are computed alike everywhere.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

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
  // V{s, s, ..., s}: one broadcast, where a loop over the lanes compiles to lane inserts.
  return [s]<std::size_t... I>(std::index_sequence<I...>) {
    return V{(static_cast<void>(I), s)...};
  }
  (std::make_index_sequence<kLanesOf<V>>{});
}

}  // namespace hpsweep
