// The direct convolution's inner loops for 16-float vectors, compiled with -march=x86-64-v4
// (worker/CMakeLists.txt). Only direct_kernels_avx512 calls in here, after checking the CPU.
#include "worker/kernels/conv2d_direct_tiles.h"

namespace hpsweep {

const DirectKernels& direct_kernels_avx512_unchecked() {
  return kDirectKernels<16>;
}

}  // namespace hpsweep
