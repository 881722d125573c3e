// Pooling layers forward + backward: LeNet's 2x2 average pooling after its first conv (batch
// 256), LeNet-BN's 2x2 max pooling there, and ResNet's 3x3 stride-2 max pooling after its stem
// (batch 32, 64 channels at 48x48).
#include <benchmark/benchmark.h>

#include "common/rng.h"
#include "worker/layers/avg_pool2d_layer.h"
#include "worker/layers/max_pool2d_layer.h"

namespace hpsweep {
namespace {

void run(benchmark::State& state, Layer& layer, const Shape& input) {
  Tensor x(input);
  Rng rng(1);
  for (int64_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
  Tensor dy(layer.output_shape(input));
  dy.fill(1.0f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(layer.forward(x, {Mode::train}).data());
    benchmark::DoNotOptimize(layer.backward(dy, true).data());
  }
  state.counters["samples/s"] =
      benchmark::Counter(input[0], benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LeNetAvgPool2x2(benchmark::State& state) {
  AvgPool2dLayer layer(2);
  run(state, layer, {256, 6, 28, 28});
}

void BM_LeNetMaxPool2x2(benchmark::State& state) {
  MaxPool2dLayer layer(2);
  run(state, layer, {256, 6, 28, 28});
}

void BM_ResNetMaxPool3x3Stride2(benchmark::State& state) {
  MaxPool2dLayer layer(3, 2, 1);
  run(state, layer, {32, 64, 48, 48});
}

BENCHMARK(BM_LeNetAvgPool2x2);
BENCHMARK(BM_LeNetMaxPool2x2);
BENCHMARK(BM_ResNetMaxPool3x3Stride2);

}  // namespace
}  // namespace hpsweep
