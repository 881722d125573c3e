#include "common/blas.h"

#include <blis.h>
#include <cpuid.h>

#include <cstdlib>
#include <string>

namespace hpsweep {
namespace {

// BLIS runtimes with and without the small-matrix ("sup") kernels, which may read up to one
// stored row past an operand (kGemmOperandSlack in blas.h). Built once, at the first product
// (after blas_configure): reading BLIS's global settings takes a lock, which has no place in
// every training step.
rntm_t make_runtime(bool sup) {
  rntm_t r;
  bli_rntm_init_from_global(&r);
  if (sup)
    bli_rntm_enable_l3_sup(&r);
  else
    bli_rntm_disable_l3_sup(&r);
  return r;
}

const rntm_t* runtime(bool sup) {
  static const rntm_t with_sup = make_runtime(true), packed_only = make_runtime(false);
  return sup ? &with_sup : &packed_only;
}

// The CPU's family (CPUID leaf 1: the base family, plus the extended one when it is 0xf).
unsigned cpu_family() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  const unsigned base = (eax >> 8) & 0xf;
  return base == 0xf ? base + ((eax >> 20) & 0xff) : base;
}

// BLIS 0.9 knows AMD's families 0x15 (Bulldozer to Excavator), 0x17 (Zen, Zen 2) and 0x19
// (Zen 3, Zen 4); on later ones (Zen 5 is 0x1a) it falls back to its 'generic' kernels, plain
// C without SIMD, at a third of the speed or less.
bool amd_unknown_to_blis() {
  if (!__builtin_cpu_is("amd")) return false;
  const unsigned family = cpu_family();
  return family > 0x19;
}

}  // namespace

void gemm(Transpose trans_a, Transpose trans_b, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  // BLIS takes a row stride and a column stride per matrix, so row-major storage needs no
  // copies: row stride = leading dimension, column stride = 1.
  // The sup kernels' over-read stays within the operands' slack only for rows this short;
  // longer ones take the packed path, whose packing reads exactly the operands.
  const bool sup = lda <= kGemmOperandSlack && ldb <= kGemmOperandSlack;
  // BLIS may write to the runtime it is given, so each call gets its own copy.
  rntm_t rntm = *runtime(sup);
  bli_sgemm_ex(trans_a == Transpose::yes ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
               trans_b == Transpose::yes ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, m, n, k, &alpha,
               const_cast<float*>(a), lda, 1, const_cast<float*>(b), ldb, 1, &beta, c, ldc, 1,
               nullptr, &rntm);
}

void blas_configure(GemmSizes sizes) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if ((__builtin_cpu_is("intel") && avx512) || (amd_unknown_to_blis() && avx2)) {
    const arch_t arch = avx512 && sizes == GemmSizes::large ? BLIS_ARCH_SKX : BLIS_ARCH_HASWELL;
    // BLIS reads the variable as the number of an arch_t value.
    setenv("BLIS_ARCH_TYPE", std::to_string(static_cast<int>(arch)).c_str(), /*overwrite=*/0);
  }
  bli_thread_set_num_threads(1);
}

}  // namespace hpsweep
