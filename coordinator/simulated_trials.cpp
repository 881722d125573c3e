#include "coordinator/simulated_trials.h"

#include <chrono>
#include <queue>
#include <tuple>

#include "common/rng.h"

namespace hpsweep {
namespace {

constexpr uint64_t kNoiseStream = 0x6e6f6973;  // "nois"
constexpr uint64_t kTimeStream = 0x74696d65;   // "time"

struct EpochDone {
  double time;
  int64_t sequence;  // breaks ties in time, in the order epochs were started
  int worker;
  int64_t trial;
  int64_t epoch;
  bool operator>(const EpochDone& o) const {
    return std::tie(time, sequence) > std::tie(o.time, o.sequence);
  }
};

}  // namespace

SimulationResult simulate_sweep(Scheduler& scheduler,
                                const std::vector<std::vector<SweptValue>>& configs,
                                const SimulationOptions& options) {
  const int64_t n = static_cast<int64_t>(configs.size());
  SimulationResult result;
  result.curves.resize(n);
  std::vector<std::vector<double>> state(n);  // per trial: the error after each epoch (0: start)
  std::vector<CurveShape> shape(n);
  std::vector<double> epoch_time(n);
  for (int64_t t = 0; t < n; ++t)
    epoch_time[t] =
        0.75 +
        0.5 * Rng(counter_hash({options.seed, kTimeStream, static_cast<uint64_t>(t)})).uniform();
  std::priority_queue<EpochDone, std::vector<EpochDone>, std::greater<>> events;
  std::vector<int> free_workers;
  for (int w = options.workers - 1; w >= 0; --w) free_workers.push_back(w);
  double now = 0;
  int64_t sequence = 0;
  auto timed = [&](auto call) {
    const auto begin = std::chrono::steady_clock::now();
    auto answer = call();
    result.scheduler_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    ++result.scheduler_calls;
    return answer;
  };
  auto start_epoch = [&](int worker, int64_t trial, int64_t epoch) {
    events.push({now + epoch_time[trial], sequence++, worker, trial, epoch});
  };
  auto fill_workers = [&] {
    while (!free_workers.empty()) {
      std::optional<TrialRun> run = timed([&] { return scheduler.next_trial(); });
      if (!run) return;
      const int64_t t = run->trial;
      shape[t] = options.curves(run->hyperparameters);
      // Restore the checkpoint: the source's state at from_epoch; this trial's curve so far.
      const double restored =
          run->from_epoch == 0 ? shape[t].start : state[run->source_trial][run->from_epoch];
      state[t].resize(run->from_epoch + 1);
      state[t][run->from_epoch] = restored;
      result.curves[t].resize(run->from_epoch);
      start_epoch(free_workers.back(), t, run->from_epoch + 1);
      free_workers.pop_back();
    }
  };
  fill_workers();
  while (!events.empty()) {
    const EpochDone done = events.top();
    events.pop();
    now = done.time;
    const int64_t t = done.trial;
    const double error = next_error(shape[t], state[t].back());
    state[t].push_back(error);
    const double noise =
        options.noise * Rng(counter_hash({options.seed, kNoiseStream, static_cast<uint64_t>(t),
                                          static_cast<uint64_t>(done.epoch)}))
                            .normal();
    const double reported = error + noise;
    result.curves[t].push_back(reported);
    ++result.epochs_trained;
    if (result.best_trial < 0 || reported < result.best_error) {
      result.best_trial = t;
      result.best_error = reported;
    }
    if (timed([&] { return scheduler.report(t, done.epoch, reported); }).kind ==
        VerdictKind::proceed)
      start_epoch(done.worker, t, done.epoch + 1);
    else
      free_workers.push_back(done.worker);
    fill_workers();
  }
  result.makespan = now;
  return result;
}

}  // namespace hpsweep
