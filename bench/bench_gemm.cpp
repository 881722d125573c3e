// GEMM shapes of the d2l MLP (784-256-10, batch 256) and of LeNet (batch 256), through
// hpsweep's BLIS door, in GFLOP/s.
#include <benchmark/benchmark.h>

#include "common/blas.h"
#include "common/tensor.h"

namespace hpsweep {
namespace {

// args: m, n, k, transpose A, transpose B
void run(benchmark::State& state, GemmSizes sizes) {
  blas_configure(sizes);
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  const bool ta = state.range(3), tb = state.range(4);
  Tensor a({m * k}), b({k * n}), c({m * n});
  a.fill(0.5f);
  b.fill(0.25f);
  for (auto _ : state) {
    gemm(ta ? Transpose::yes : Transpose::no, tb ? Transpose::yes : Transpose::no, m, n, k, 1.0f,
         a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_Gemm(benchmark::State& state) {
  run(state, GemmSizes::large);
}

// BLIS picks its kernels once per process, so these run on haswell's only when they run first
// (--benchmark_filter=LeNet), as in a LeNet sweep.
void BM_GemmLeNet(benchmark::State& state) {
  run(state, GemmSizes::small);
}

BENCHMARK(BM_Gemm)
    ->ArgNames({"m", "n", "k", "ta", "tb"})
    ->Args({256, 256, 784, 0, 1})  // hidden forward: X W1^T
    ->Args({256, 784, 256, 1, 0})  // hidden weight gradient: dH^T X
    ->Args({256, 10, 256, 0, 1})   // output forward: H W2^T
    ->Args({10, 256, 256, 1, 0})   // output weight gradient: dY^T H
    ->Args({256, 256, 10, 0, 0})   // output input gradient: dY W2
    ->Args({1024, 1024, 1024, 0, 0});

// The products of worker/kernels/conv2d.cpp for a group of samples side by side (3 for the
// first conv, 4 for the second) and those of the first hidden Linear layer.
BENCHMARK(BM_GemmLeNet)
    ->ArgNames({"m", "n", "k", "ta", "tb"})
    ->Args({6, 3 * 784, 25, 0, 0})    // conv1 forward: W col
    ->Args({6, 25, 3 * 784, 0, 1})    // conv1 weight gradient: dy col^T
    ->Args({16, 4 * 100, 150, 0, 0})  // conv2 forward
    ->Args({150, 16, 4 * 100, 0, 1})  // conv2 weight gradient, transposed: col dy^T
    ->Args({150, 4 * 100, 16, 1, 0})  // conv2 column gradient: W^T dy
    ->Args({256, 120, 400, 0, 1})     // Linear(400, 120) forward
    ->Args({120, 400, 256, 1, 0})     // its weight gradient
    ->Args({256, 400, 120, 0, 0});    // its input gradient

}  // namespace
}  // namespace hpsweep
