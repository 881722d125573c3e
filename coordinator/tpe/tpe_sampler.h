// Tree-structured Parzen Estimator suggestions for one parameter (univariate TPE, as Optuna's
// default TPESampler): the observations of the parameter so far are split by their trial's
// loss into the best gamma share ("below") and the rest ("above"), a Parzen estimator is fitted
// to each (coordinator/tpe/parzen_estimator.h), `ei_candidates` values are drawn from the good
// one, and the candidate with the largest l(x) / g(x), i.e. the largest expected improvement,
// is suggested. Until `startup_trials` observations exist, values are drawn from the prior
// (uniform in the search space). Values of trials still running join the bad group (the
// "constant liar"), so parallel workers asking in turn are steered apart.
//
// Everything is in the search space: the caller takes logs of log parameters, gives integers
// and quantized values a step, and numbers categorical choices 0..n-1.
#pragma once

#include <cstdint>
#include <vector>

#include "common/rng.h"
#include "coordinator/tpe/joint_parzen.h"
#include "coordinator/tpe/parzen_estimator.h"

namespace hpsweep {

struct TpeSettings {
  int64_t startup_trials = 10;
  int64_t ei_candidates = 24;
  double prior_weight = 1.0;
  bool magic_clip = true;
  double gamma = 0.1;      // the good share: ceil(gamma * n) observations ...
  int64_t gamma_cap = 25;  // ... but at most this many
  // ParzenSettings
  double min_bandwidth = 0.01, bandwidth_exponent = 1.0;
  bool consider_endpoints = false, joint_neighbour_bandwidths = false;
  // The good observations weighted by improvement_weights() instead of by age.
  bool improvement_weights = false;
};

// A parameter's history, oldest first: each finished trial that has the parameter (its value
// and the loss it reached, lower is better), and each running trial's value.
struct TpeHistory {
  std::vector<double> values, losses;
  std::vector<double> running;
};

// How many of n observations are "good".
int64_t good_count(int64_t n, const TpeSettings& settings);

// The suggested value (a choice index for a categorical parameter).
double suggest_tpe(const TpeParameter& parameter, const TpeHistory& history,
                   const TpeSettings& settings, Rng& rng);

// Which of the finished observations are good: the best good_count() by loss (ties: the older
// first), n counting `running` trials too (the constant liar). A loss that is not a number
// (diverged) is never good.
std::vector<bool> good_observations(const std::vector<double>& losses, size_t running,
                                    const TpeSettings& settings);

// Watanabe (2023)'s weights for the good observations, the expected-improvement weighting:
// each good loss's improvement on `threshold`, the best bad loss (at least 1e-12), scaled to a
// mean of 1 so that the prior keeps its share. All 1 when the threshold is not finite.
std::vector<double> improvement_weights(const std::vector<double>& good_losses, double threshold);

// After the split: the suggestion from the good and bad values (oldest first in each), the good
// ones with `good_weights` (empty: by age, as Optuna).
double suggest_tpe(const TpeParameter& parameter, const std::vector<double>& good,
                   const std::vector<double>& bad, const TpeSettings& settings, Rng& rng,
                   std::vector<double> good_weights = {});

// Multivariate TPE (coordinator/tpe/joint_parzen.h): the suggested point, a coordinate per
// dimension, from the good and bad points.
std::vector<double> suggest_joint_tpe(const std::vector<TpeParameter>& dimensions,
                                      const std::vector<std::vector<double>>& good,
                                      const std::vector<std::vector<double>>& bad,
                                      const TpeSettings& settings, Rng& rng,
                                      std::vector<double> good_weights = {});

}  // namespace hpsweep
