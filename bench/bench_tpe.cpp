// Time per TPE suggestion (issue 22, item 8) for a sweep of four parameters like the d2l MLP's
// (log learning rate, log weight decay, dropout, width in steps of 32) after 100, 1,000 and
// 10,000 finished trials, with 4 trials running; univariate as Optuna's default, and
// multivariate with Watanabe (2023)'s settings (BM_JointTpeSuggestion):
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

void BM_JointTpeSuggestion(benchmark::State& state) {
  const int64_t finished = state.range(0);
  std::vector<std::pair<double, std::vector<double>>> trials;  // loss, point
  Rng rng(1);
  for (int64_t i = 0; i < finished; ++i) {
    std::vector<double> point;
    double loss = 0;
    for (const TpeParameter& p : kParameters) {
      const NumericRange& r = p.range;
      double x = rng.uniform(r.low, r.high);
      if (r.step > 0) x = r.low + std::round((x - r.low) / r.step) * r.step;
      point.push_back(x);
      loss += std::pow((x - r.low) / (r.high - r.low) - 0.3, 2);
    }
    trials.emplace_back(loss, std::move(point));
  }
  TpeSettings settings;
  settings.gamma = 0.15;
  settings.joint_neighbour_bandwidths = settings.improvement_weights = true;
  std::vector<double> losses;
  for (const auto& t : trials) losses.push_back(t.first);
  const std::vector<bool> good = good_observations(losses, 0, settings);
  std::vector<std::vector<double>> good_points, bad_points;
  std::vector<double> good_losses;
  double threshold = HUGE_VAL;
  for (size_t i = 0; i < trials.size(); ++i) {
    (good[i] ? good_points : bad_points).push_back(trials[i].second);
    if (good[i])
      good_losses.push_back(losses[i]);
    else
      threshold = std::min(threshold, losses[i]);
  }
  for (auto _ : state)
    benchmark::DoNotOptimize(suggest_joint_tpe(kParameters, good_points, bad_points, settings, rng,
                                               improvement_weights(good_losses, threshold)));
}
BENCHMARK(BM_JointTpeSuggestion)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hpsweep
