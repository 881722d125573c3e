// One SGD step of the d2l MLP (784-256-10, ReLU) on random data, in samples/s: batch 256, and
// batch 128, one rank's shard of it in a group of 2 (cluster-performance.md, scaling).
#include <benchmark/benchmark.h>

#include "common/blas.h"
#include "common/rng.h"
#include "worker/initializer.h"
#include "worker/kernels/softmax_cross_entropy.h"
#include "worker/model_factory.h"
#include "worker/sgd.h"

namespace hpsweep {
namespace {

void BM_MlpTrainStep(benchmark::State& state) {
  blas_configure();
  const int64_t batch = state.range(1);
  ModelConfig config;
  config.depth = state.range(0);
  Model model = build_model(config, {1, 28, 28}, 10);
  initialize_parameters(model, InitScheme::normal, 0.01, 1);
  Sgd sgd(0.1, 0.0);
  LocalReducer reducer;
  Tensor images({batch, 1, 28, 28}), probabilities({batch, 10}), dlogits({batch, 10});
  std::vector<int32_t> labels(batch);
  std::vector<int64_t> ids(batch);
  Rng rng(2);
  for (int64_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(rng.uniform());
  for (int64_t i = 0; i < batch; ++i) {
    labels[i] = static_cast<int32_t>(rng.below(10));
    ids[i] = i;
  }
  for (auto _ : state) {
    const Tensor& logits = model.forward(images, {Mode::train, 1, 1, ids.data()});
    softmax_cross_entropy_forward(logits.data(), labels.data(), batch, 10, probabilities.data());
    softmax_cross_entropy_backward(probabilities.data(), labels.data(), batch, 10, 1.0f / batch,
                                   dlogits.data());
    model.backward(dlogits, reducer);
    sgd.step(model);
  }
  state.counters["samples/s"] =
      benchmark::Counter(batch, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_MlpTrainStep)
    ->ArgNames({"depth", "batch"})
    ->Args({1, 256})
    ->Args({1, 128})
    ->Args({2, 256});

}  // namespace
}  // namespace hpsweep
