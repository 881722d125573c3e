// Conv2d layer speed on the shapes that matter, forward alone and forward + backward:
// LeNet's convolutions (batch 256; the first layer needs no input gradient) and ResNet ones
// (batch 32, 64 channels at 24x24: a 3x3 and a 1x1 convolution); and BM_Conv3x3Lowering, which
// times im2col against Winograd on 3x3 convolutions of ResNet-18, DenseNet and narrow layers.
#include <benchmark/benchmark.h>

#include "common/blas.h"
#include "common/rng.h"
#include "worker/kernels/conv2d_direct_kernels.h"
#include "worker/kernels/conv2d_im2col.h"
#include "worker/kernels/conv2d_lowerings.h"
#include "worker/kernels/conv2d_winograd.h"
#include "worker/layers/conv2d_layer.h"

namespace hpsweep {
namespace {

Tensor random(const Shape& shape, uint64_t seed) {
  Tensor t(shape);
  Rng rng(seed);
  for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
  return t;
}

// args: batch, in channels, out channels, height = width, kernel, padding, input gradient
void run(benchmark::State& state, bool backward) {
  blas_configure();
  const int64_t batch = state.range(0), in = state.range(1), out = state.range(2);
  const int64_t size = state.range(3), kernel = state.range(4), padding = state.range(5);
  const bool input_grad = state.range(6);
  Conv2dLayer layer(in, out, kernel, 1, padding);
  layer.parameters()[0]->value = random(layer.parameters()[0]->value.shape(), 1);
  const Tensor x = random({batch, in, size, size}, 2);
  const Shape y_shape = layer.output_shape(x.shape());
  const Tensor dy = random(y_shape, 3);
  for (auto _ : state) {
    benchmark::DoNotOptimize(layer.forward(x, {Mode::train}).data());
    if (backward) benchmark::DoNotOptimize(layer.backward(dy, input_grad).data());
  }
  // One product of this size for the forward pass, one for the weight gradient and one for
  // the input gradient.
  const double flops = 2.0 * batch * out * in * kernel * kernel * y_shape[2] * y_shape[3];
  const int products = backward ? (input_grad ? 3 : 2) : 1;
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops * products, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["samples/s"] =
      benchmark::Counter(batch, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Conv2dForward(benchmark::State& state) {
  run(state, false);
}
void BM_Conv2dStep(benchmark::State& state) {
  run(state, true);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"B", "C", "O", "HW", "k", "p", "dx"})
      ->Args({256, 1, 6, 28, 5, 2, 0})     // LeNet conv1
      ->Args({256, 6, 16, 14, 5, 0, 1})    // LeNet conv2
      ->Args({32, 64, 64, 24, 3, 1, 1})    // ResNet 3x3
      ->Args({32, 64, 128, 24, 1, 0, 1});  // ResNet 1x1 (no im2col)
}

BENCHMARK(BM_Conv2dForward)->Apply(shapes);
BENCHMARK(BM_Conv2dStep)->Apply(shapes);

// The tiny SSD's 3x3 convolutions on 64x64 canvases at batch 32 (issue 21): its base network,
// the down-sampling blocks and the class (44 channels) and box (16) predictors per scale.
void ssd_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"B", "C", "O", "HW", "k", "p", "dx"})
      ->Args({32, 1, 16, 64, 3, 1, 0})
      ->Args({32, 16, 16, 64, 3, 1, 1})
      ->Args({32, 16, 32, 32, 3, 1, 1})
      ->Args({32, 32, 32, 32, 3, 1, 1})
      ->Args({32, 32, 64, 16, 3, 1, 1})
      ->Args({32, 64, 64, 16, 3, 1, 1})
      ->Args({32, 64, 128, 8, 3, 1, 1})
      ->Args({32, 128, 128, 8, 3, 1, 1})
      ->Args({32, 128, 128, 4, 3, 1, 1})
      ->Args({32, 128, 128, 2, 3, 1, 1})
      ->Args({32, 64, 44, 8, 3, 1, 1})
      ->Args({32, 64, 16, 8, 3, 1, 1})
      ->Args({32, 128, 44, 4, 3, 1, 1})
      ->Args({32, 128, 16, 4, 3, 1, 1})
      ->Args({32, 128, 44, 2, 3, 1, 1})
      ->Args({32, 128, 44, 1, 3, 1, 1})
      ->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_Conv2dStep)->Name("BM_SsdConvStep")->Apply(ssd_shapes);

// The 3x3, stride-1, padding-1 convolution of args batch, in channels, out channels,
// height = width.
Conv2dDims conv3x3_dims(const benchmark::State& state) {
  return {state.range(0), state.range(1), state.range(3),
          state.range(3), state.range(2), {3, 1, 1}};
}

// Times d's forward + backward (input gradient included) on random operands through
// `forward` and `backward`: a lowering's, or a kernel set's.
template <typename Forward, typename Backward>
void time_conv_step(benchmark::State& state, const Conv2dDims& d, int64_t workspace_size,
                    Forward forward, Backward backward) {
  const Tensor x = random({d.batch, d.in_channels, d.height, d.width}, 1);
  const Tensor w = random({d.out_channels, d.in_channels, 3, 3}, 2);
  const Tensor dy = random({d.batch, d.out_channels, d.height, d.width}, 3);
  Tensor b({d.out_channels}), y(dy.shape()), dw(w.shape()), db(b.shape()), dx(x.shape());
  Tensor workspace({workspace_size});
  for (auto _ : state) {
    forward(d, x.data(), w.data(), b.data(), y.data(), workspace.data());
    backward(d, x.data(), w.data(), dy.data(), dw.data(), db.data(), dx.data(), workspace.data());
  }
  state.counters["samples/s"] =
      benchmark::Counter(d.batch, benchmark::Counter::kIsIterationInvariantRate);
}

// conv2d_winograd_suits' evidence: a 3x3 stride-1 convolution's forward + backward (input
// gradient included) through each lowering, on ResNet-18's four stages at 96x96 inputs,
// DenseNet's 3x3 convs (growth 32) and narrow layers.
// args: batch, in channels, out channels, height = width, lowering (0 = im2col, 1 = Winograd)
void BM_Conv3x3Lowering(benchmark::State& state) {
  blas_configure();
  const Conv2dDims d = conv3x3_dims(state);
  const bool winograd = state.range(4);
  time_conv_step(state, d,
                 winograd ? conv2d_winograd_workspace_size(d) : conv2d_im2col_workspace_size(d),
                 winograd ? conv2d_winograd_forward : conv2d_im2col_forward,
                 winograd ? conv2d_winograd_backward : conv2d_im2col_backward);
}

BENCHMARK(BM_Conv3x3Lowering)
    ->ArgNames({"B", "C", "O", "HW", "winograd"})
    ->ArgsProduct({{32}, {64}, {64}, {24}, {0, 1}})
    ->ArgsProduct({{32}, {128}, {128}, {12}, {0, 1}})
    ->ArgsProduct({{32}, {256}, {256}, {6}, {0, 1}})
    ->ArgsProduct({{32}, {512}, {512}, {3}, {0, 1}})
    ->ArgsProduct({{32}, {96, 192}, {32}, {24}, {0, 1}})
    ->ArgsProduct({{32}, {16, 32}, {32}, {24}, {0, 1}})
    ->ArgsProduct({{128}, {32}, {32}, {4, 8}, {0, 1}})
    ->ArgsProduct({{128}, {64}, {64}, {2, 4}, {0, 1}})
    ->ArgsProduct({{128}, {128}, {128}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// The tiny SSD's 3x3 convolutions through each lowering that takes them (forward + backward
// with the input gradient): args batch, in, out, height = width, lowering (the index in
// kConv2dLowerings: 0 small-map, 1 direct, 2 Winograd, 3 im2col).
void BM_SsdConvLowering(benchmark::State& state) {
  blas_configure();
  const Conv2dDims d = conv3x3_dims(state);
  const Conv2dLowering& lowering = kConv2dLowerings[state.range(4)];
  if (!lowering.suits(d)) {
    state.SkipWithError("the lowering does not take this shape");
    return;
  }
  time_conv_step(state, d, lowering.workspace_size(d), lowering.forward, lowering.backward);
}

BENCHMARK(BM_SsdConvLowering)
    ->ArgNames({"B", "C", "O", "HW", "lowering"})
    ->ArgsProduct({{32}, {16}, {16}, {64}, {1, 2, 3}})
    ->ArgsProduct({{32}, {16}, {32}, {32}, {1, 2, 3}})
    ->ArgsProduct({{32}, {32}, {32}, {32}, {2, 3}})
    ->ArgsProduct({{32}, {32}, {64}, {16}, {2, 3}})
    ->ArgsProduct({{32}, {64}, {64}, {16}, {2, 3}})
    ->ArgsProduct({{32}, {64}, {128}, {8}, {2, 3}})
    ->ArgsProduct({{32}, {128}, {128}, {8, 4}, {2, 3}})
    ->ArgsProduct({{32}, {128}, {128}, {2}, {0, 2, 3}})
    ->ArgsProduct({{32}, {64}, {44}, {8}, {2, 3}})
    ->ArgsProduct({{32}, {128}, {44}, {4}, {2, 3}})
    ->ArgsProduct({{32}, {128}, {44, 16}, {2, 1}, {0, 2, 3}})
    ->ArgsProduct({{32}, {64}, {16}, {8}, {1, 2}})  // box predictors: direct or Winograd
    ->ArgsProduct({{32}, {128}, {16}, {4}, {1, 2}})
    ->Unit(benchmark::kMicrosecond);

// The direct kernels' instruction sets on the tiny SSD's narrow 3x3 convolutions (forward +
// backward, input gradient included).
// args: batch, in channels, out channels, height = width, set (0 = AVX2, 1 = AVX-512)
void BM_SsdConvDirectSet(benchmark::State& state) {
  const Conv2dDims d = conv3x3_dims(state);
  const DirectKernels* kernels = state.range(4) ? direct_kernels_avx512() : &direct_kernels_avx2();
  if (!kernels) {
    state.SkipWithError("this CPU has no AVX-512");
    return;
  }
  time_conv_step(
      state, d, conv2d_direct_workspace_size(d),
      [kernels](auto&&... args) { conv2d_direct_forward(*kernels, args...); },
      [kernels](auto&&... args) { conv2d_direct_backward(*kernels, args...); });
}

BENCHMARK(BM_SsdConvDirectSet)
    ->ArgNames({"B", "C", "O", "HW", "avx512"})
    ->ArgsProduct({{32}, {1, 16}, {16}, {64}, {0, 1}})
    ->ArgsProduct({{32}, {64}, {16}, {8}, {0, 1}})
    ->ArgsProduct({{32}, {128}, {16}, {4}, {0, 1}})
    ->ArgsProduct({{32}, {16, 32}, {32}, {32}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hpsweep
