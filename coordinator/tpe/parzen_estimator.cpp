#include "coordinator/tpe/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "worker/kernels/fast_math.h"

namespace hpsweep {
namespace {

std::vector<double> normalized(std::vector<double> weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights) w /= total;
  return weights;
}

// The observations' weights and the prior's, normalized.
std::vector<double> mixture_weights(std::vector<double> weights, size_t observations,
                                    double prior_weight) {
  if (weights.empty()) weights = observation_weights(static_cast<int64_t>(observations));
  weights.push_back(prior_weight);
  return normalized(std::move(weights));
}

}  // namespace

double min_sigma(double width, size_t components, const ParzenSettings& settings) {
  if (!settings.magic_clip) return 1e-12;
  return width * std::max(settings.min_bandwidth, std::pow(1.0 + static_cast<double>(components),
                                                           -settings.bandwidth_exponent));
}

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

size_t draw_index(const std::vector<double>& weights, Rng& rng) {
  double u = rng.uniform(), sum = 0;
  for (size_t k = 0; k + 1 < weights.size(); ++k) {
    sum += weights[k];
    if (u < sum) return k;
  }
  return weights.size() - 1;
}

std::vector<double> observation_weights(int64_t n) {
  std::vector<double> weights(static_cast<size_t>(n), 1.0);
  const int64_t ramp = n - 25;
  for (int64_t i = 0; i < ramp && n >= 25; ++i)  // numpy's linspace(1/n, 1, n - 25)
    weights[static_cast<size_t>(i)] =
        ramp == 1 ? 1.0 / static_cast<double>(n)
                  : 1.0 / static_cast<double>(n) + (1.0 - 1.0 / static_cast<double>(n)) *
                                                       static_cast<double>(i) /
                                                       static_cast<double>(ramp - 1);
  return weights;
}

std::vector<double> neighbour_bandwidths(const std::vector<double>& centres, double low,
                                         double high, const ParzenSettings& settings) {
  std::vector<size_t> order(centres.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return centres[a] < centres[b]; });
  std::vector<double> sorted = {low};
  for (size_t k : order) sorted.push_back(centres[k]);
  sorted.push_back(high);
  std::vector<double> sorted_sigmas(order.size());
  for (size_t i = 0; i < order.size(); ++i)
    sorted_sigmas[i] = std::max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
  if (!settings.consider_endpoints && sorted.size() >= 4) {
    sorted_sigmas.front() = sorted[2] - sorted[1];
    sorted_sigmas.back() = sorted[sorted.size() - 2] - sorted[sorted.size() - 3];
  }
  const double width = high - low, floor = min_sigma(width, centres.size(), settings);
  std::vector<double> sigmas(centres.size());
  for (size_t i = 0; i < order.size(); ++i)
    sigmas[order[i]] = std::clamp(sorted_sigmas[i], floor, width);
  sigmas.back() = width;  // the prior's
  return sigmas;
}

NumericParzen::NumericParzen(const NumericRange& range, const std::vector<double>& observations,
                             const ParzenSettings& settings, std::vector<double> weights)
    : range_(range), low_(range.low - range.step / 2), high_(range.high + range.step / 2) {
  mus_ = observations;
  weights_ = mixture_weights(std::move(weights), observations.size(), settings.prior_weight);
  // The prior: one wide component at the centre.
  mus_.push_back((low_ + high_) / 2);
  sigmas_ = neighbour_bandwidths(mus_, low_, high_, settings);
  for (size_t k = 0; k < mus_.size(); ++k) {
    const double mass = std::max(
        normal_cdf((high_ - mus_[k]) / sigmas_[k]) - normal_cdf((low_ - mus_[k]) / sigmas_[k]),
        1e-300);
    if (range_.step > 0) {
      cell_weights_.push_back(weights_[k] / mass);
      continue;
    }
    // log(w_k / mass_k / sqrt(2 pi)): Optuna 3.1 leaves out 1 / sigma_k (parzen_estimator.h).
    log_scales_f_.push_back(static_cast<float>(std::log(weights_[k] / mass / std::sqrt(2 * M_PI))));
    mus_f_.push_back(static_cast<float>(mus_[k]));
    inverse_sigmas_f_.push_back(static_cast<float>(1 / sigmas_[k]));
  }
  if (range_.step > 0)
    cell_cache_.assign(
        static_cast<size_t>(std::llround((range_.high - range_.low) / range_.step)) + 1,
        std::nan(""));
}

double NumericParzen::sample(Rng& rng) const {
  const size_t k = draw_index(weights_, rng);
  double x;
  do {  // truncated to [low_, high_] by rejection: each component keeps most of its mass there
    x = mus_[k] + sigmas_[k] * rng.normal();
  } while (x < low_ || x > high_);
  if (range_.step <= 0) return x;
  const double cells = std::round((x - range_.low) / range_.step);
  return std::clamp(range_.low + cells * range_.step, range_.low, range_.high);
}

double NumericParzen::log_density(double x) const {
  return range_.step > 0 ? log_cell_mass(x) : log_continuous_density(x);
}

// log sum_k w_k p_k(x) by log-sum-exp: the terms in one vectorized pass, then their exps with
// exp_poly (no library call, so it vectorizes): float precision is far finer than any choice
// between candidates needs, and the result is the same bits on every run.
double NumericParzen::log_continuous_density(double x) const {
  thread_local std::vector<float> terms;
  const size_t n = mus_f_.size();
  terms.resize(n);
  const float xf = static_cast<float>(x);
  float top = -HUGE_VALF;
#pragma omp simd reduction(max : top)
  for (size_t k = 0; k < n; ++k) {
    const float z = (xf - mus_f_[k]) * inverse_sigmas_f_[k];
    terms[k] = log_scales_f_[k] - 0.5f * z * z;
    top = std::max(top, terms[k]);
  }
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (size_t k = 0; k < n; ++k) sum += exp_poly(terms[k] - top);
  return static_cast<double>(top) + std::log(static_cast<double>(sum));
}

// For a step range, the mixture's mass in x's cell, sum_k w_k (Phi(b_k) - Phi(a_k)) / mass_k.
// x takes few values (the range's), so each value's result is kept. A component whose cell
// lies more than 8 bandwidths away adds under 1e-15 of its weight (less than the sum's own
// rounding, with the prior's share in it) and is skipped: most are, once there are many.
double NumericParzen::log_cell_mass(double x) const {
  const auto cell = static_cast<size_t>(std::llround((x - range_.low) / range_.step));
  if (cell < cell_cache_.size() && !std::isnan(cell_cache_[cell])) return cell_cache_[cell];
  double sum = 0;
  for (size_t k = 0; k < mus_.size(); ++k) {
    const double a = (std::max(x - range_.step / 2, low_) - mus_[k]) / sigmas_[k];
    const double b = (std::min(x + range_.step / 2, high_) - mus_[k]) / sigmas_[k];
    if (a > 8 || b < -8) continue;
    sum += cell_weights_[k] * (normal_cdf(b) - normal_cdf(a));
  }
  const double result = std::log(std::max(sum, 1e-300));
  if (cell < cell_cache_.size()) cell_cache_[cell] = result;
  return result;
}

CategoricalParzen::CategoricalParzen(int64_t choices, const std::vector<double>& observations,
                                     const ParzenSettings& settings, std::vector<double> weights)
    : probabilities_(static_cast<size_t>(choices), 0.0) {
  // Optuna 3.1's kernels: one per observation, putting prior_weight / kernels on every choice
  // and 1 more on the observed one, normalized; and the prior's, uniform. They are mixed with
  // the observation weights and the prior weight.
  const double kernels = static_cast<double>(observations.size() + 1);
  const double spread = settings.prior_weight / kernels;
  weights = mixture_weights(std::move(weights), observations.size(), settings.prior_weight);
  const double row_total = spread * static_cast<double>(choices) + 1;
  for (size_t k = 0; k < observations.size(); ++k)
    for (size_t c = 0; c < probabilities_.size(); ++c)
      probabilities_[c] +=
          weights[k] * (spread + (static_cast<double>(c) == observations[k] ? 1 : 0)) / row_total;
  for (double& p : probabilities_) p += weights.back() / static_cast<double>(choices);
}

int64_t CategoricalParzen::sample(Rng& rng) const {
  return static_cast<int64_t>(draw_index(probabilities_, rng));
}

double CategoricalParzen::log_density(int64_t choice) const {
  return std::log(probabilities_[static_cast<size_t>(choice)]);
}

}  // namespace hpsweep
