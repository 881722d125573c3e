#include "coordinator/tpe/joint_parzen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "worker/kernels/fast_math.h"

namespace hpsweep {

JointParzen::JointParzen(const std::vector<TpeParameter>& dimensions,
                         const std::vector<std::vector<double>>& observations,
                         const ParzenSettings& settings, std::vector<double> weights) {
  const size_t n = observations.size(), components = n + 1;
  weights_ = weights.empty() ? observation_weights(static_cast<int64_t>(n)) : std::move(weights);
  weights_.push_back(settings.prior_weight);
  const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  for (double& w : weights_) w /= total;
  const double scott = 0.2 * std::pow(static_cast<double>(std::max<size_t>(n, 1)),
                                      -1.0 / (static_cast<double>(dimensions.size()) + 4));
  for (double w : weights_) base_.push_back(std::log(w));
  for (size_t d = 0; d < dimensions.size(); ++d) {
    Dimension dim{dimensions[d]};
    std::vector<double> centres(components);
    for (size_t k = 0; k < n; ++k) centres[k] = observations[k][d];
    std::vector<double> sigmas, log_masses, inverse_sigmas;
    if (dim.shape.choices > 0) {
      dim.spread = settings.prior_weight / static_cast<double>(components);
      dim.row_total = dim.spread * static_cast<double>(dim.shape.choices) + 1;
      centres[n] = -1;  // the prior: no observed choice
    } else {
      const NumericRange& r = dim.shape.range;
      dim.low = r.low - r.step / 2;
      dim.high = r.high + r.step / 2;
      const double width = dim.high - dim.low;
      centres[n] = (dim.low + dim.high) / 2;
      if (settings.joint_neighbour_bandwidths) {
        sigmas = neighbour_bandwidths(centres, dim.low, dim.high, settings);
      } else {
        sigmas.assign(components,
                      std::clamp(scott * width, min_sigma(width, components, settings), width));
        sigmas[n] = width;
      }
      for (size_t k = 0; k < components; ++k)
        log_masses.push_back(std::log(std::max(normal_cdf((dim.high - centres[k]) / sigmas[k]) -
                                                   normal_cdf((dim.low - centres[k]) / sigmas[k]),
                                               1e-300)));
      if (r.step <= 0)
        for (size_t k = 0; k < components; ++k) {
          inverse_sigmas.push_back(1 / sigmas[k]);
          base_[k] -= 0.5 * std::log(2 * M_PI) + log_masses[k];
        }
    }
    dimensions_.push_back(dim);
    centres_.push_back(std::move(centres));
    sigmas_.push_back(std::move(sigmas));
    inverse_sigmas_.push_back(std::move(inverse_sigmas));
    log_masses_.push_back(std::move(log_masses));
  }
}

std::vector<double> JointParzen::sample(Rng& rng) const {
  const size_t k = draw_index(weights_, rng);
  std::vector<double> x;
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const Dimension& dim = dimensions_[d];
    const double centre = centres_[d][k];
    if (dim.shape.choices > 0) {
      // The kernel's row: spread on every choice and 1 more on the observed one.
      std::vector<double> row(static_cast<size_t>(dim.shape.choices), dim.spread / dim.row_total);
      if (centre >= 0) row[static_cast<size_t>(centre)] += 1 / dim.row_total;
      if (centre < 0) std::fill(row.begin(), row.end(), 1 / static_cast<double>(row.size()));
      x.push_back(static_cast<double>(draw_index(row, rng)));
      continue;
    }
    const double sigma = sigmas_[d][k];
    double value;
    do {  // truncated by rejection, as the univariate estimator
      value = centre + sigma * rng.normal();
    } while (value < dim.low || value > dim.high);
    const NumericRange& r = dim.shape.range;
    if (r.step > 0)
      value = std::clamp(r.low + std::round((value - r.low) / r.step) * r.step, r.low, r.high);
    x.push_back(value);
  }
  return x;
}

double JointParzen::log_kernel(const Dimension& dim, size_t d, size_t k, double x) const {
  const double centre = centres_[d][k];
  if (dim.shape.choices > 0) {
    if (centre < 0) return -std::log(static_cast<double>(dim.shape.choices));
    return std::log((dim.spread + (x == centre ? 1 : 0)) / dim.row_total);
  }
  const double sigma = sigmas_[d][k];
  const double step = dim.shape.range.step;
  const double a = (std::max(x - step / 2, dim.low) - centre) / sigma;
  const double b = (std::min(x + step / 2, dim.high) - centre) / sigma;
  // A cell more than 8 bandwidths away has a mass under 1e-15: the component then adds less
  // than the float sum's rounding next to the prior's (whose kernels cover every value), as in
  // the univariate estimator, and is left out.
  if (a > 8 || b < -8) return -HUGE_VAL;
  return std::log(std::max(normal_cdf(b) - normal_cdf(a), 1e-300)) - log_masses_[d][k];
}

// log sum_k exp(terms_k) with terms_k = base_k + each dimension's log kernel: a continuous
// dimension's -z^2 / 2 in one vectorized pass over the components (its constants are in base_),
// then, as the univariate estimator, the exps in float with exp_poly.
double JointParzen::log_density(const std::vector<double>& x) const {
  thread_local std::vector<double> terms;
  const size_t n = base_.size();
  terms.assign(base_.begin(), base_.end());
  double* t = terms.data();
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const Dimension& dim = dimensions_[d];
    if (dim.shape.choices > 0 || dim.shape.range.step > 0) {
      for (size_t k = 0; k < n; ++k)
        if (t[k] > -HUGE_VAL) t[k] += log_kernel(dim, d, k, x[d]);
      continue;
    }
    const double xd = x[d], *mu = centres_[d].data(), *inverse = inverse_sigmas_[d].data();
#pragma omp simd
    for (size_t k = 0; k < n; ++k) {
      const double z = (xd - mu[k]) * inverse[k];
      t[k] -= 0.5 * z * z;
    }
  }
  double top = -HUGE_VAL;
#pragma omp simd reduction(max : top)
  for (size_t k = 0; k < n; ++k) top = std::max(top, t[k]);
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (size_t k = 0; k < n; ++k) sum += exp_poly(static_cast<float>(t[k] - top));
  return top + std::log(static_cast<double>(sum));
}

}  // namespace hpsweep
