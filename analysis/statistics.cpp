#include "analysis/statistics.h"

#include <cmath>
#include <limits>

namespace hpsweep {

double t_quantile_975(int64_t df) {
  // Exact to four decimals for df <= 30 (any statistics table); beyond, the Cornish-Fisher
  // expansion around z = 1.959964 is within 1e-4.
  static constexpr double kTable[] = {
      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
      2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df <= 30) return kTable[df - 1];
  const double z = 1.959964, n = static_cast<double>(df);
  return z + (z * z * z + z) / (4 * n) +
         (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

Spread spread(const std::vector<double>& values) {
  Spread s;
  double sum = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      sum += v;
      ++s.n;
    }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (s.n == 0) return {0, kNaN, kNaN, kNaN};
  s.mean = sum / static_cast<double>(s.n);
  if (s.n < 2) {
    s.sd = s.ci95 = kNaN;
    return s;
  }
  double squares = 0;
  for (double v : values)
    if (!std::isnan(v)) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / static_cast<double>(s.n - 1));
  s.ci95 = t_quantile_975(s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  return s;
}

}  // namespace hpsweep
