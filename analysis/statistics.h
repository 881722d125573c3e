// Summary statistics for repeats and folds: n, mean, sample standard deviation and the
// half-width of a two-sided 95% confidence interval for the mean (Student's t with n - 1
// degrees of freedom: the repeats of a configuration are few, so the normal 1.96 would be too
// narrow; with n = 5, t = 2.776).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

struct Spread {
  int64_t n = 0;
  double mean = 0;
  double sd = 0;    // NaN for n < 2
  double ci95 = 0;  // half-width; NaN for n < 2
};

// NaN values are left out (a curve the trial does not have).
Spread spread(const std::vector<double>& values);

// The 0.975 quantile of Student's t with `df` >= 1 degrees of freedom.
double t_quantile_975(int64_t df);

}  // namespace hpsweep
