#include "coordinator/tpe/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hpsweep {
namespace {

struct Split {
  std::vector<double> good, bad;  // values, oldest first within each
};

// The best good_count() by loss (ties: the older first) are good; running values are bad.
Split split_by_loss(const TpeHistory& history, const TpeSettings& settings) {
  // Trials whose loss is not a number (diverged) tell nothing about good or bad.
  std::vector<size_t> by_loss;
  for (size_t i = 0; i < history.values.size(); ++i)
    if (!std::isnan(history.losses[i])) by_loss.push_back(i);
  const size_t n = history.values.size();
  std::stable_sort(by_loss.begin(), by_loss.end(),
                   [&](size_t a, size_t b) { return history.losses[a] < history.losses[b]; });
  std::vector<bool> good(n, false);
  // As Optuna's constant liar: running trials count towards n, and are bad.
  const int64_t count =
      std::min(good_count(static_cast<int64_t>(by_loss.size() + history.running.size()), settings),
               static_cast<int64_t>(by_loss.size()));
  for (int64_t i = 0; i < count; ++i) good[by_loss[static_cast<size_t>(i)]] = true;
  Split split;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(history.losses[i])) continue;
    (good[i] ? split.good : split.bad).push_back(history.values[i]);
  }
  split.bad.insert(split.bad.end(), history.running.begin(), history.running.end());
  return split;
}

double prior_draw(const TpeParameter& parameter, Rng& rng) {
  if (parameter.choices > 0)
    return static_cast<double>(rng.below(static_cast<uint64_t>(parameter.choices)));
  const NumericRange& r = parameter.range;
  if (r.step <= 0) return rng.uniform(r.low, r.high);
  const double cells = std::floor((r.high - r.low) / r.step + 1e-9) + 1;
  return r.low + static_cast<double>(rng.below(static_cast<uint64_t>(cells))) * r.step;
}

// The candidate of `candidates` drawn from `good` with the largest log l(x) - log g(x); the
// first of equals.
template <typename Estimator>
double best_candidate(const Estimator& good, const Estimator& bad, int64_t candidates, Rng& rng) {
  double best = 0, best_score = -HUGE_VAL;
  for (int64_t i = 0; i < candidates; ++i) {
    const auto x = good.sample(rng);
    const double score = good.log_density(x) - bad.log_density(x);
    if (score > best_score) {
      best_score = score;
      best = static_cast<double>(x);
    }
  }
  return best;
}

}  // namespace

int64_t good_count(int64_t n, const TpeSettings& settings) {
  return std::min(static_cast<int64_t>(std::ceil(settings.gamma * static_cast<double>(n))),
                  settings.gamma_cap);
}

double suggest_tpe(const TpeParameter& parameter, const TpeHistory& history,
                   const TpeSettings& settings, Rng& rng) {
  if (static_cast<int64_t>(history.values.size()) < settings.startup_trials)
    return prior_draw(parameter, rng);
  const Split split = split_by_loss(history, settings);
  const ParzenSettings parzen{settings.prior_weight, settings.magic_clip};
  if (parameter.choices > 0)
    return best_candidate(CategoricalParzen(parameter.choices, split.good, parzen),
                          CategoricalParzen(parameter.choices, split.bad, parzen),
                          settings.ei_candidates, rng);
  return best_candidate(NumericParzen(parameter.range, split.good, parzen),
                        NumericParzen(parameter.range, split.bad, parzen), settings.ei_candidates,
                        rng);
}

}  // namespace hpsweep
