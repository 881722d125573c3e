// The Parzen estimator of multivariate TPE (Optuna 3.1's TPESampler(multivariate=True), after
// the product kernels of Falkner et al.'s BOHB): one component per observation that spans every
// dimension at once, so that a draw keeps the observation's combination of values together
// (x1 with x2 on Branin's valley) instead of mixing each parameter's good values independently.
//
// As Optuna 3.1: a component's kernel is a product over the dimensions, numeric ones a normal
// truncated to the range with one bandwidth per dimension by Scott's rule,
// 0.2 n^(-1/(d+4)) (high - low), clipped as the univariate estimator clips (or, with
// ParzenSettings::joint_neighbour_bandwidths, each component's own per dimension, as the
// univariate estimator's, as in Watanabe 2023's implementation); categorical ones
// the univariate estimator's kernel (coordinator/tpe/parzen_estimator.h). A prior component
// (centre, bandwidth high - low; uniform choices) and the observation weights are the
// univariate estimator's. Its numeric log-density leaves out log sigma, as there.
#pragma once

#include <cstdint>
#include <vector>

#include "common/rng.h"
#include "coordinator/tpe/parzen_estimator.h"

namespace hpsweep {

class JointParzen {
 public:
  // `observations`: one point per observation, oldest first, each a coordinate per dimension in
  // the search space (choice indices for categorical dimensions), with `weights` (empty:
  // Optuna's observation_weights).
  JointParzen(const std::vector<TpeParameter>& dimensions,
              const std::vector<std::vector<double>>& observations, const ParzenSettings& settings,
              std::vector<double> weights = {});
  std::vector<double> sample(Rng& rng) const;
  double log_density(const std::vector<double>& x) const;

 private:
  struct Dimension {
    TpeParameter shape;
    double low = 0, high = 0;          // widened by half a step for step ranges
    double spread = 0, row_total = 0;  // categorical kernels
  };
  // A categorical or step dimension's log kernel (-infinity: negligible, joint_parzen.cpp).
  double log_kernel(const Dimension& d, size_t dimension, size_t component, double x) const;

  std::vector<Dimension> dimensions_;
  std::vector<std::vector<double>> centres_;         // [dimension][component]; the prior's last
  std::vector<std::vector<double>> sigmas_;          // numeric: each component's bandwidth
  std::vector<std::vector<double>> inverse_sigmas_;  // continuous: 1 / each bandwidth
  std::vector<std::vector<double>> log_masses_;      // numeric: each truncated normal's mass
  std::vector<double> weights_;                      // per component
  // Per component: log of its weight, and each continuous dimension's normalizer, -log of
  // sqrt(2 pi) times its truncated mass.
  std::vector<double> base_;
};

}  // namespace hpsweep
