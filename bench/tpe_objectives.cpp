// Issue 22, benchmark 7: method bayes's suggestions (coordinator/tpe/tpe_search.h, exactly as a
// sweep makes them, one trial after another) on analytic objectives, for
// bench/tpe_vs_optuna.py to compare with Optuna 3.1's TPESampler and random search. The
// objectives' parameters are no config fields, so the spec is built here, not parsed.
//
//   tpe_objectives OBJECTIVE tpe|random TRIALS SEEDS   ->  one line per seed: the best value
//
// OBJECTIVE: branin (2-D), hartmann6 (6-D), rosenbrock10 (log(1 + f) of the 10-D Rosenbrock
// function on [-2, 2]^10), conditional (a choice between two sub-spaces; bench script's doc).
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "common/spec.h"
#include "coordinator/tpe/tpe_search.h"

namespace hpsweep {
namespace {

using Values = std::map<std::string, ConfigValue>;

struct Objective {
  std::vector<ParameterSpec> parameters;
  std::function<double(const Values&)> value;
};

ParameterSpec uniform(const std::string& path, double lo, double hi) {
  return {path, Distribution::uniform, {}, lo, hi};
}

double real(const Values& v, const std::string& path) {
  return *value_number(v.at(path));
}

double branin(const Values& v) {
  const double x1 = real(v, "x1"), x2 = real(v, "x2");
  const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

double hartmann6(const Values& v) {
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
      inner += a[i][j] * std::pow(real(v, "x" + std::to_string(j + 1)) - p[i][j], 2);
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

double rosenbrock10(const Values& v) {
  double f = 0;
  for (int i = 1; i < 10; ++i) {
    const double x = real(v, "x" + std::to_string(i)), next = real(v, "x" + std::to_string(i + 1));
    f += 100 * std::pow(next - x * x, 2) + std::pow(1 - x, 2);
  }
  return std::log1p(f);
}

// kind quadratic: (x - 1)^2, best 0 at x = 1; kind log: (log10 y + 2)^2 + (n - 3)^2 / 4 + 0.2,
// best 0.2 at y = 0.01, n = 3.
double conditional(const Values& v) {
  if (std::get<std::string>(v.at("kind")) == "quadratic") return std::pow(real(v, "x") - 1, 2);
  return std::pow(std::log10(real(v, "y")) + 2, 2) + std::pow(real(v, "n") - 3, 2) / 4 + 0.2;
}

Objective objective(const std::string& name) {
  if (name == "branin") return {{uniform("x1", -5, 10), uniform("x2", 0, 15)}, branin};
  std::vector<ParameterSpec> cube;
  if (name == "hartmann6" || name == "rosenbrock10") {
    const int dims = name == "hartmann6" ? 6 : 10;
    for (int i = 1; i <= dims; ++i)
      cube.push_back(dims == 6 ? uniform("x" + std::to_string(i), 0, 1)
                               : uniform("x" + std::to_string(i), -2, 2));
    return {cube, dims == 6 ? hartmann6 : rosenbrock10};
  }
  if (name == "conditional") {
    ParameterSpec kind{
        "kind", Distribution::values, {std::string("quadratic"), std::string("log")}};
    ParameterSpec x = uniform("x", -5, 5);
    x.when = {{"kind", {std::string("quadratic")}}};
    ParameterSpec y{"y", Distribution::log_uniform_values, {}, 1e-4, 1};
    y.when = {{"kind", {std::string("log")}}};
    ParameterSpec n{"n", Distribution::int_uniform, {}, 1, 10};
    n.when = y.when;
    return {{kind, x, y, n}, conditional};
  }
  std::fprintf(stderr, "unknown objective %s\n", name.c_str());
  std::exit(2);
}

double best_value(const Objective& objective, bool model, int64_t trials, uint64_t seed) {
  SweepSpec spec;
  spec.method = SearchMethod::bayes;
  spec.seed = seed;
  spec.run_cap = trials;
  spec.parameters = objective.parameters;
  if (!model) spec.bayes.startup_trials = trials + 1;  // every suggestion a start-up draw
  TpeSearch search(spec);
  double best = HUGE_VAL;
  for (int64_t t = 0; t < trials; ++t) {
    Values values;
    for (const SweptValue& v : search.suggest(t, {}).values) values[v.path] = v.value;
    const double value = objective.value(values);
    search.heard(t, 1, value);
    best = std::min(best, value);
  }
  return best;
}

}  // namespace
}  // namespace hpsweep

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: tpe_objectives OBJECTIVE tpe|random TRIALS SEEDS\n");
    return 2;
  }
  const hpsweep::Objective objective = hpsweep::objective(argv[1]);
  const bool model = std::string(argv[2]) == "tpe";
  for (int seed = 0; seed < std::atoi(argv[4]); ++seed)
    std::printf("%.17g\n", hpsweep::best_value(objective, model, std::atoll(argv[3]),
                                               static_cast<uint64_t>(seed)));
}
