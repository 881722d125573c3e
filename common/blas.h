// The one door to BLAS: every matrix product in hpsweep goes through gemm() here, backed by
// BLIS. Matrices are row-major with explicit leading dimensions, as in cblas.
#pragma once

#include <cstdint>

namespace hpsweep {

enum class Transpose { no, yes };

// Floats that must be readable after the last element of every gemm matrix.
// BLIS 0.9.0's small-matrix ("sup") kernels for AVX2 read past their operands (flame/blis
// #635 and #821, fixed after the 0.9.0 that Debian 12 ships). Measured with guard pages over
// all transpositions and m, n, k up to 400: A's reads reach up to lda floats (one stored row)
// past its last element, B's ldb, C's 2 floats when beta != 0; none read before the start,
// none write outside C. gemm lets BLIS use those kernels only when lda and ldb are at most
// this slack, and every tensor's storage is followed by it (common/tensor.cpp), so any
// tensor, or view into one, is a safe operand. tests/test_gemm_slack.cpp checks it with
// guard pages.
constexpr int64_t kGemmOperandSlack = 4096;

// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C.
// A is stored [m, k] (or [k, m] when transposed) with row stride lda; likewise B and C.
// A, B and C must be followed by kGemmOperandSlack readable floats: pass tensors' storage.
void gemm(Transpose trans_a, Transpose trans_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc);

// What the process's products mostly are, which decides BLIS's kernels on AVX-512 CPUs.
enum class GemmSizes {
  large,  // MLPs, AlexNet to DenseNet: AVX-512 kernels
  small,  // LeNet: a dimension of 6 or 16 channels, where the AVX2 kernels' 6x16 tile fits
};

// Called once at start-up, before any gemm and before other threads start:
//  - hpsweep owns the cores (one trial per worker thread or rank), so BLIS runs one thread;
//  - on Intel CPUs with AVX-512, BLIS 0.9 often cannot tell how many FMA units the core has
//    (always so in VMs) and falls back to its AVX2 'haswell' kernels, at half the speed on
//    large products; for `large` we select its 'skx' kernels instead. LeNet's products
//    (6 or 16 output channels) waste most of skx's 32x12 tile, and LeNet-BN trains about 10%
//    faster on haswell's 6x16 one, hence `small`. AMD CPUs newer than BLIS 0.9 (family 0x1a,
//    Zen 5, and later) get the same choice: BLIS would run its generic C kernels there.
//    BLIS picks its kernels once per process, so a sweep mixing both kinds gets `large`. A
//    BLIS_ARCH_TYPE set by the user (a number, as BLIS reads it: 0 = skx, 3 = haswell,
//    6 = zen3) wins.
void blas_configure(GemmSizes sizes = GemmSizes::large);

}  // namespace hpsweep
