// Time per TPE suggestion (issue 22, item 8) for a sweep of four parameters like the d2l MLP's
// (log learning rate, log weight decay, dropout, width in steps of 32) after 100, 1,000 and
// 10,000 finished trials, with 4 trials running:
//   build/bench/bench_tpe --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "coordinator/tpe/tpe_sampler.h"

namespace hpsweep {
namespace {

const std::vector<TpeParameter> kParameters = {{{std::log(1e-4), std::log(1.0), 0}},
                                               {{std::log(1e-6), std::log(1e-2), 0}},
                                               {{0, 0.9, 0}},
                                               {{32, 1024, 32}}};

void BM_TpeSuggestion(benchmark::State& state) {
  const int64_t finished = state.range(0);
  std::vector<TpeHistory> histories(kParameters.size());
  Rng rng(1);
  for (int64_t i = 0; i < finished + 4; ++i) {
    double loss = 0;
    for (size_t p = 0; p < kParameters.size(); ++p) {
      const NumericRange& r = kParameters[p].range;
      double x = rng.uniform(r.low, r.high);
      if (r.step > 0) x = r.low + std::round((x - r.low) / r.step) * r.step;
      (i < finished ? histories[p].values : histories[p].running).push_back(x);
      loss += std::pow((x - r.low) / (r.high - r.low) - 0.3, 2);
    }
    if (i < finished)
      for (TpeHistory& h : histories) h.losses.push_back(loss);
  }
  const TpeSettings settings;
  for (auto _ : state)
    for (size_t p = 0; p < kParameters.size(); ++p)
      benchmark::DoNotOptimize(suggest_tpe(kParameters[p], histories[p], settings, rng));
}
BENCHMARK(BM_TpeSuggestion)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hpsweep
