// d2l's residual block (ResidualBlock), forward + backward with the input gradient, on the
// shapes of ResNet-18's first two stages on 96x96 inputs (the book's setting, d2l 8.6) at
// batch 32: 64 channels at 24x24, and the 64 -> 128 block that halves the resolution with a
// 1x1 shortcut. bench/compare_pytorch.py runs these against PyTorch's Residual.
#include <benchmark/benchmark.h>

#include "common/blas.h"
#include "common/rng.h"
#include "worker/blocks/residual_block.h"

namespace hpsweep {
namespace {

void fill_random(Tensor& t, Rng& rng) {
  for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
}

// The block's weights live in its children; batch norm's scale and shift keep 1 and 0.
void randomize_weights(Layer& layer, Rng& rng) {
  for (Parameter* p : layer.parameters())
    if (p->decay) fill_random(p->value, rng);
  for (const ChildLayer& child : layer.children()) randomize_weights(*child.layer, rng);
}

// args: batch, in channels, out channels, height = width, stride
void BM_ResidualStep(benchmark::State& state) {
  blas_configure();
  const int64_t batch = state.range(0), in = state.range(1), out = state.range(2);
  const int64_t size = state.range(3), stride = state.range(4);
  ResidualBlock block(in, out, /*use_1x1conv=*/in != out || stride != 1, stride);
  Rng rng(1);
  randomize_weights(block, rng);
  Tensor x({batch, in, size, size});
  fill_random(x, rng);
  Tensor dy(block.output_shape(x.shape()));
  fill_random(dy, rng);
  // One untimed step: layers allocate their buffers (and fault their pages in) at the first
  // one, which a training run does once, not per step. compare_pytorch.py warms up PyTorch's
  // block likewise.
  block.forward(x, {Mode::train});
  block.backward(dy, true);
  for (auto _ : state) {
    benchmark::DoNotOptimize(block.forward(x, {Mode::train}).data());
    benchmark::DoNotOptimize(block.backward(dy, true).data());
  }
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_ResidualStep)
    ->ArgNames({"B", "C", "O", "HW", "s"})
    ->Args({32, 64, 64, 24, 1})
    ->Args({32, 64, 128, 24, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hpsweep
