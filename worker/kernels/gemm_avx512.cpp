#include "worker/kernels/gemm_avx512.h"

#include <immintrin.h>

#include <array>
#include <utility>

// The build targets AVX2 (HPSWEEP_ARCH_FLAGS); only the functions marked HPSWEEP_AVX512 use
// AVX-512, and they run only where gemm_avx512_available().
#define HPSWEEP_AVX512 __attribute__((target("avx512f")))

namespace hpsweep {
namespace {

// A block of C: kRows rows by kVectors vectors of 16 columns (28 accumulators of the 32
// registers at 14 x 2), summed over all of k before C is touched. The last vector's columns
// are `last` (a lane mask), so that n need not be a multiple of 16.
template <int kRows, int kVectors>
HPSWEEP_AVX512 void block(int64_t k, StridedMatrix a, const float* b, int64_t ldb, float* c,
                          int64_t ldc, __mmask16 last, bool accumulate) {
  __m512 acc[kRows][kVectors];
#pragma GCC unroll 16
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    const float* bp = b + p * ldb;
    __m512 bv[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v)
      bv[v] = v + 1 < kVectors ? _mm512_loadu_ps(bp + 16 * v)
                               : _mm512_maskz_loadu_ps(last, bp + 16 * v);
    const float* ap = a.data + p * a.col_stride;
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r) {
      const __m512 ar = _mm512_set1_ps(ap[r * a.row_stride]);
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) {
      float* cv = c + r * ldc + 16 * v;
      const __mmask16 lanes = v + 1 < kVectors ? __mmask16(0xffff) : last;
      __m512 sum = acc[r][v];
      if (accumulate) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(lanes, cv));
      _mm512_mask_storeu_ps(cv, lanes, sum);
    }
}

constexpr int kMaxRows = 14;

using BlockKernel = void (*)(int64_t, StridedMatrix, const float*, int64_t, float*, int64_t,
                             __mmask16, bool);

// kBlocks[rows - 1]: the kernel for blocks of 1 to kMaxRows rows.
template <int kVectors, int... kRowsLess1>
constexpr std::array<BlockKernel, kMaxRows> blocks(std::integer_sequence<int, kRowsLess1...>) {
  return {block<kRowsLess1 + 1, kVectors>...};
}
constexpr auto kOneVector = blocks<1>(std::make_integer_sequence<int, kMaxRows>());
constexpr auto kTwoVectors = blocks<2>(std::make_integer_sequence<int, kMaxRows>());

}  // namespace

bool gemm_avx512_available() {
  static const bool available = __builtin_cpu_supports("avx512f");
  return available;
}

void gemm_avx512(int64_t m, int64_t n, int64_t k, StridedMatrix a, const float* b, int64_t ldb,
                 float* c, int64_t ldc, bool accumulate) {
  // Columns outer: a slab of B, k by 32 columns, stays in cache while A's rows pass over it.
  for (int64_t j = 0; j < n; j += 32) {
    const int64_t columns = n - j < 32 ? n - j : 32;
    const auto& kernels = columns > 16 ? kTwoVectors : kOneVector;
    const int64_t last_columns = columns > 16 ? columns - 16 : columns;
    const auto last = static_cast<__mmask16>((1u << last_columns) - 1);
    for (int64_t i = 0; i < m; i += kMaxRows) {
      const int64_t rows = m - i < kMaxRows ? m - i : kMaxRows;
      const StridedMatrix ai{a.data + i * a.row_stride, a.row_stride, a.col_stride};
      kernels[rows - 1](k, ai, b + j, ldb, c + i * ldc + j, ldc, last, accumulate);
    }
  }
}

}  // namespace hpsweep
