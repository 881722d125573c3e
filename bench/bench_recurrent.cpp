// Recurrent layers (nn.RNN, nn.GRU, nn.LSTM), forward + backward through time as in a
// character language model's training step: d2l 8.5's setting of 35 steps of batch 32,
// one-hot inputs over a 28-token vocabulary, hidden size 256. The layer is the network's
// first trainable one, so no input gradient. bench/compare_recurrent_pytorch.py runs PyTorch's
// modules on the same sizes.
#include <benchmark/benchmark.h>

#include <cmath>

#include "common/blas.h"
#include "common/rng.h"
#include "worker/layers/recurrent_layer.h"

namespace hpsweep {
namespace {

void fill_uniform(Tensor& t, Rng& rng, double scale) {
  for (int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(rng.uniform(-scale, scale));
}

// args: cell (CellKind), steps, batch, inputs, hidden
void BM_RecurrentStep(benchmark::State& state) {
  blas_configure();
  const auto cell = static_cast<CellKind>(state.range(0));
  const int64_t steps = state.range(1), batch = state.range(2), inputs = state.range(3);
  const int64_t hidden = state.range(4);
  RecurrentLayer layer({cell, inputs, hidden});
  Rng rng(1);
  for (Parameter* p : layer.parameters())
    fill_uniform(p->value, rng, 1.0 / std::sqrt(double(hidden)));
  Tensor x({steps, batch, inputs});  // one-hot tokens
  for (int64_t r = 0; r < steps * batch; ++r) x[r * inputs + rng.below(inputs)] = 1.0f;
  Tensor dy(layer.output_shape(x.shape()));
  fill_uniform(dy, rng, 1e-3);
  // One untimed step: the layer allocates its buffers at the first one.
  layer.forward(x, {Mode::train});
  layer.backward(dy, false);
  for (auto _ : state) {
    benchmark::DoNotOptimize(layer.forward(x, {Mode::train}).data());
    layer.backward(dy, false);
    benchmark::DoNotOptimize(layer.parameters()[0]->grad.data());
  }
  state.SetLabel(layer.kind());
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(steps * batch),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_RecurrentStep)
    ->ArgNames({"cell", "T", "B", "I", "H"})
    ->Args({static_cast<int64_t>(CellKind::rnn_tanh), 35, 32, 28, 256})
    ->Args({static_cast<int64_t>(CellKind::gru), 35, 32, 28, 256})
    ->Args({static_cast<int64_t>(CellKind::lstm), 35, 32, 28, 256})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hpsweep
