// The direct convolution's inner loops for 8-float vectors, compiled with HPSWEEP_ARCH_FLAGS
// (AVX2 under the default -march=x86-64-v3).
#include "worker/kernels/conv2d_direct_tiles.h"

namespace hpsweep {

const DirectKernels& direct_kernels_avx2() {
  return kDirectKernels<8>;
}

}  // namespace hpsweep
