#include "coordinator/tpe/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hpsweep {
namespace {

// The values split into good and bad, oldest first within each; running ones are bad.
std::pair<std::vector<double>, std::vector<double>> split_by_loss(const TpeHistory& history,
                                                                  const TpeSettings& settings) {
  const std::vector<bool> good =
      good_observations(history.losses, history.running.size(), settings);
  std::pair<std::vector<double>, std::vector<double>> split;
  for (size_t i = 0; i < history.values.size(); ++i) {
    if (std::isnan(history.losses[i])) continue;
    (good[i] ? split.first : split.second).push_back(history.values[i]);
  }
  split.second.insert(split.second.end(), history.running.begin(), history.running.end());
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

ParzenSettings parzen_settings(const TpeSettings& settings) {
  return {settings.prior_weight,       settings.magic_clip,
          settings.min_bandwidth,      settings.bandwidth_exponent,
          settings.consider_endpoints, settings.joint_neighbour_bandwidths};
}

// The candidate of `candidates` drawn from `good` with the largest log l(x) - log g(x); the
// first of equals.
template <typename Estimator>
auto best_candidate(const Estimator& good, const Estimator& bad, int64_t candidates, Rng& rng) {
  decltype(good.sample(rng)) best{};
  double best_score = -HUGE_VAL;
  for (int64_t i = 0; i < candidates; ++i) {
    auto x = good.sample(rng);
    const double score = good.log_density(x) - bad.log_density(x);
    if (score > best_score) {
      best_score = score;
      best = std::move(x);
    }
  }
  return best;
}

}  // namespace

int64_t good_count(int64_t n, const TpeSettings& settings) {
  return std::min(static_cast<int64_t>(std::ceil(settings.gamma * static_cast<double>(n))),
                  settings.gamma_cap);
}

std::vector<bool> good_observations(const std::vector<double>& losses, size_t running,
                                    const TpeSettings& settings) {
  std::vector<size_t> by_loss;
  for (size_t i = 0; i < losses.size(); ++i)
    if (!std::isnan(losses[i])) by_loss.push_back(i);
  std::stable_sort(by_loss.begin(), by_loss.end(),
                   [&](size_t a, size_t b) { return losses[a] < losses[b]; });
  const int64_t count =
      std::min(good_count(static_cast<int64_t>(by_loss.size() + running), settings),
               static_cast<int64_t>(by_loss.size()));
  std::vector<bool> good(losses.size(), false);
  for (int64_t i = 0; i < count; ++i) good[by_loss[static_cast<size_t>(i)]] = true;
  return good;
}

double suggest_tpe(const TpeParameter& parameter, const TpeHistory& history,
                   const TpeSettings& settings, Rng& rng) {
  if (static_cast<int64_t>(history.values.size()) < settings.startup_trials)
    return prior_draw(parameter, rng);
  const auto [good, bad] = split_by_loss(history, settings);
  return suggest_tpe(parameter, good, bad, settings, rng);
}

std::vector<double> improvement_weights(const std::vector<double>& good_losses, double threshold) {
  std::vector<double> weights(good_losses.size(), 1.0);
  if (!std::isfinite(threshold) || good_losses.empty()) return weights;
  for (size_t i = 0; i < weights.size(); ++i)
    weights[i] = std::max(1e-12, threshold - good_losses[i]);
  const double mean =
      std::accumulate(weights.begin(), weights.end(), 0.0) / static_cast<double>(weights.size());
  for (double& w : weights) w /= mean;
  return weights;
}

double suggest_tpe(const TpeParameter& parameter, const std::vector<double>& good,
                   const std::vector<double>& bad, const TpeSettings& settings, Rng& rng,
                   std::vector<double> good_weights) {
  const ParzenSettings parzen = parzen_settings(settings);
  if (parameter.choices > 0)
    return static_cast<double>(best_candidate(
        CategoricalParzen(parameter.choices, good, parzen, std::move(good_weights)),
        CategoricalParzen(parameter.choices, bad, parzen), settings.ei_candidates, rng));
  return best_candidate(NumericParzen(parameter.range, good, parzen, std::move(good_weights)),
                        NumericParzen(parameter.range, bad, parzen), settings.ei_candidates, rng);
}

std::vector<double> suggest_joint_tpe(const std::vector<TpeParameter>& dimensions,
                                      const std::vector<std::vector<double>>& good,
                                      const std::vector<std::vector<double>>& bad,
                                      const TpeSettings& settings, Rng& rng,
                                      std::vector<double> good_weights) {
  const ParzenSettings parzen = parzen_settings(settings);
  return best_candidate(JointParzen(dimensions, good, parzen, std::move(good_weights)),
                        JointParzen(dimensions, bad, parzen), settings.ei_candidates, rng);
}

}  // namespace hpsweep
