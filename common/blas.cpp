#include "common/blas.h"

#include <blis.h>

#include <cstdlib>
#include <string>

namespace hpsweep {
namespace {

// BLIS 0.9's small-matrix ("sup") kernels for AVX2 read past the end of their operands
// (flame/blis issues #635 and #821, fixed after Debian 12's 0.9.0): valgrind shows it on
// LeNet's products, and it crashed when a matrix ended near a page boundary. Every product
// takes the packed path instead. Built once, at the first product (after blas_configure):
// reading BLIS's global settings takes a lock, which has no place in every training step.
const rntm_t* packed_path_runtime() {
  static const rntm_t runtime = [] {
    rntm_t r;
    bli_rntm_init_from_global(&r);
    bli_rntm_disable_l3_sup(&r);
    return r;
  }();
  return &runtime;
}

}  // namespace

void gemm(Transpose trans_a, Transpose trans_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  // BLIS takes a row stride and a column stride per matrix, so row-major storage needs no
  // copies: row stride = leading dimension, column stride = 1.
  // BLIS may write to the runtime it is given, so each call gets its own copy.
  rntm_t rntm = *packed_path_runtime();
  bli_sgemm_ex(trans_a == Transpose::yes ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
               trans_b == Transpose::yes ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, m, n, k, &alpha,
               const_cast<float*>(a), lda, 1, const_cast<float*>(b), ldb, 1, &beta, c, ldc, 1,
               nullptr, &rntm);
}

void blas_configure(GemmSizes sizes) {
  if (__builtin_cpu_is("intel") && __builtin_cpu_supports("avx512f")) {
    const arch_t arch = sizes == GemmSizes::large ? BLIS_ARCH_SKX : BLIS_ARCH_HASWELL;
    // BLIS reads the variable as the number of an arch_t value.
    setenv("BLIS_ARCH_TYPE", std::to_string(static_cast<int>(arch)).c_str(), /*overwrite=*/0);
  }
  bli_thread_set_num_threads(1);
}

}  // namespace hpsweep
