#include "bench/tpe_objective_functions.h"

#include <cmath>
#include <stdexcept>

namespace hpsweep {
namespace {

using Coordinates = std::function<std::string(const std::string&)>;

double branin(const Coordinates& x) {
  const double x1 = std::stod(x("x1")), x2 = std::stod(x("x2"));
  const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

double hartmann6(const Coordinates& x) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j)
      inner += a[i][j] * std::pow(std::stod(x("x" + std::to_string(j + 1))) - p[i][j], 2);
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

double rosenbrock10(const Coordinates& x) {
  double f = 0;
  for (int i = 1; i < 10; ++i) {
    const double xi = std::stod(x("x" + std::to_string(i)));
    const double next = std::stod(x("x" + std::to_string(i + 1)));
    f += 100 * std::pow(next - xi * xi, 2) + std::pow(1 - xi, 2);
  }
  return std::log1p(f);
}

// kind quadratic: (x - 1)^2, best 0 at x = 1; kind log: (log10 y + 2)^2 + (n - 3)^2 / 4 + 0.2,
// best 0.2 at y = 0.01, n = 3.
double conditional(const Coordinates& x) {
  if (x("kind") == "quadratic") return std::pow(std::stod(x("x")) - 1, 2);
  return std::pow(std::log10(std::stod(x("y"))) + 2, 2) + std::pow(std::stod(x("n")) - 3, 2) / 4 +
         0.2;
}

}  // namespace

double objective_value(const std::string& name, const Coordinates& value_of) {
  if (name == "branin") return branin(value_of);
  if (name == "hartmann6") return hartmann6(value_of);
  if (name == "rosenbrock10") return rosenbrock10(value_of);
  if (name == "conditional") return conditional(value_of);
  throw std::invalid_argument("unknown objective " + name);
}

}  // namespace hpsweep
