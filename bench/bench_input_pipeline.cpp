// One training batch through the input pipeline: 256 Fashion-MNIST-sized images resized from
// 28x28 (argument: the input size) and, in the augmented variant, flipped and cropped from a
// 4-pixel padding, as in every step of a CNN trial.
#include <benchmark/benchmark.h>

#include <numeric>

#include "common/rng.h"
#include "worker/data/input_pipeline.h"

namespace hpsweep {
namespace {

void run_pipeline(benchmark::State& state, bool augment) {
  const int64_t batch = 256, stored = 1000;
  DatasetConfig config;
  config.input_size = state.range(0);
  config.flip = augment;
  config.crop_padding = augment ? 4 : 0;
  InputPipeline pipeline(config, {1, 28, 28});
  Tensor images({stored, 1, 28, 28}), inputs;
  Rng rng(1);
  for (int64_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(rng.uniform());
  std::vector<int64_t> ids(batch);
  for (int64_t i = 0; i < batch; ++i) ids[i] = static_cast<int64_t>(rng.below(stored));
  int64_t epoch = 0;
  for (auto _ : state) {
    pipeline.gather_training(images, ids.data(), batch, 7, ++epoch, inputs);
    benchmark::DoNotOptimize(inputs.data());
  }
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ResizeBatch(benchmark::State& state) {
  run_pipeline(state, false);
}
void BM_ResizeAugmentBatch(benchmark::State& state) {
  run_pipeline(state, true);
}

BENCHMARK(BM_ResizeBatch)->Arg(28)->Arg(96)->Arg(224)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ResizeAugmentBatch)->Arg(28)->Arg(96)->Arg(224)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hpsweep
