// Matrix products with AVX-512 and without packing, for the Winograd convolution's many small
// per-point products (conv2d_winograd.cpp): C[m, n] = A B, or C += A B.
//
// BLIS packs both operands of every product into its micro-panel layout first; for the
// Winograd products (a few hundred to a thousand rows of 32 to 128 channels) packing took
// about as long as the arithmetic on 32 channels, much of it gathering one float at a time
// (perf on BM_SsdConvStep). Here B's rows and C's rows are read where they are, 16 columns to
// a vector, and A's elements are broadcast from any strides, so A may be read transposed.
// The sums run over k in order, so the results are the same bits on every run.
#pragma once

#include <cstdint>

namespace hpsweep {

// Whether this CPU runs gemm_avx512 (AVX-512 F).
bool gemm_avx512_available();

// A [m, k] with element (i, p) at a[i * row_stride + p * col_stride].
struct StridedMatrix {
  const float* data;
  int64_t row_stride, col_stride;
};

// C[m, n] (row stride ldc) = A B, plus C's previous values if `accumulate`; B [k, n] has row
// stride ldb. Reads and writes nothing outside the three matrices. Only where
// gemm_avx512_available().
void gemm_avx512(int64_t m, int64_t n, int64_t k, StridedMatrix a, const float* b, int64_t ldb,
                 float* c, int64_t ldc, bool accumulate);

}  // namespace hpsweep
