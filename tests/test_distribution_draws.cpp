// Each W&B distribution's draws against W&B's documented definition
// (docs.wandb.ai, sweep configuration options, "Distribution options"): bounds, means and
// quantiles over many draws, q-rounding, inclusive integer bounds. And the shipped specs that
// moved from hpsweep's old log_uniform to log_uniform_values draw what they drew before.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "common/spec.h"
#include "coordinator/search_space.h"

namespace hpsweep {
namespace {

constexpr int kDraws = 4000;

// The values `path` takes in kDraws random trials of the one parameter `parameter`.
std::vector<double> draws(const std::string& path, const std::string& parameter) {
  const SweepSpec spec = parse_spec("method: random\nseed: 3\nrun_cap: " + std::to_string(kDraws) +
                                        "\nparameters:\n  " + path + ": " + parameter + "\n",
                                    "d.yaml");
  std::vector<double> values;
  for (const Trial& t : expand_trials(spec)) values.push_back(*value_number(t.swept.at(0).value));
  return values;
}

double mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

double deviation(const std::vector<double>& xs) {
  const double m = mean(xs);
  double sum = 0;
  for (double x : xs) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(xs.size() - 1));
}

std::vector<double> logs(std::vector<double> xs) {
  for (double& x : xs) x = std::log(x);
  return xs;
}

double fraction_below(const std::vector<double>& xs, double bound) {
  return static_cast<double>(
             std::count_if(xs.begin(), xs.end(), [&](double x) { return x < bound; })) /
         static_cast<double>(xs.size());
}

bool multiples_of(const std::vector<double>& xs, double q) {
  return std::all_of(xs.begin(), xs.end(),
                     [&](double x) { return std::abs(x / q - std::round(x / q)) < 1e-6; });
}

// A uniform mean over kDraws is within 4 standard errors of the definition's.
double tolerance(double spread) {
  return 4 * spread / std::sqrt(12.0 * kDraws);
}

TEST(DistributionDraws, LogUniformTakesLnBounds) {
  // exp(U(-9.21, -4.6)): 1e-4 to 1e-2, ln uniform, median exp(-6.905) = 1e-3.
  const std::vector<double> xs =
      draws("training.lr", "{distribution: log_uniform, min: -9.21, max: -4.6}");
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), std::exp(-9.21));
  EXPECT_LE(*std::max_element(xs.begin(), xs.end()), std::exp(-4.6));
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 1.0e-4);
  EXPECT_LE(*std::max_element(xs.begin(), xs.end()), 1.01e-2);
  EXPECT_NEAR(mean(logs(xs)), -6.905, tolerance(4.61));
  EXPECT_NEAR(fraction_below(xs, std::exp(-6.905)), 0.5, 0.03);
  EXPECT_NEAR(fraction_below(xs, std::exp(-9.21 + 0.25 * 4.61)), 0.25, 0.03);
}

TEST(DistributionDraws, LogUniformValuesTakesTheValues) {
  const std::vector<double> xs =
      draws("training.lr", "{distribution: log_uniform_values, min: 1.0e-4, max: 1.0e-2}");
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 1.0e-4);
  EXPECT_LE(*std::max_element(xs.begin(), xs.end()), 1.0e-2);
  EXPECT_NEAR(mean(logs(xs)), std::log(1.0e-3), tolerance(std::log(100.0)));
  EXPECT_NEAR(fraction_below(xs, 1.0e-3), 0.5, 0.03);
}

TEST(DistributionDraws, InverseLogUniforms) {
  // inv_log_uniform: log(1/X) uniform in [min, max], so X in [exp(-6), exp(-2)].
  const std::vector<double> inv =
      draws("training.lr", "{distribution: inv_log_uniform, min: 2, max: 6}");
  EXPECT_GE(*std::min_element(inv.begin(), inv.end()), std::exp(-6.0));
  EXPECT_LE(*std::max_element(inv.begin(), inv.end()), std::exp(-2.0));
  EXPECT_NEAR(-mean(logs(inv)), 4.0, tolerance(4.0));
  // inv_log_uniform_values: log(1/X) uniform in [log(1/max), log(1/min)], X in [min, max].
  const std::vector<double> values =
      draws("training.lr", "{distribution: inv_log_uniform_values, min: 1.0e-4, max: 1.0e-2}");
  EXPECT_GE(*std::min_element(values.begin(), values.end()), 1.0e-4);
  EXPECT_LE(*std::max_element(values.begin(), values.end()), 1.0e-2);
  EXPECT_NEAR(fraction_below(values, 1.0e-3), 0.5, 0.03);
}

TEST(DistributionDraws, QuantizedLogUniforms) {
  // W&B's q_log_uniform: round(exp(U(min, max)) / q) * q, here about exp(ln 32) to exp(ln 512)
  // (multiples of q within [exp(min), exp(max)]: 6.2384, not 6.2383, to reach 512).
  const std::vector<double> ln =
      draws("model.width", "{distribution: q_log_uniform, min: 3.4657, max: 6.2384, q: 32}");
  EXPECT_TRUE(multiples_of(ln, 32));
  EXPECT_EQ(*std::min_element(ln.begin(), ln.end()), 32);
  EXPECT_EQ(*std::max_element(ln.begin(), ln.end()), 512);
  const std::vector<double> values =
      draws("model.width", "{distribution: q_log_uniform_values, min: 32, max: 256, q: 8}");
  EXPECT_TRUE(multiples_of(values, 8));
  // Half the log-uniform mass lies below the geometric mean 90.5, which rounds to 88 or 96.
  EXPECT_NEAR(fraction_below(values, 90.5), 0.5, 0.04);
  EXPECT_EQ(*std::max_element(values.begin(), values.end()), 256);
}

TEST(DistributionDraws, UniformsAndTheirDefaults) {
  // Integer min and max without a distribution: W&B's int_uniform, bounds inclusive.
  const std::vector<double> ints = draws("model.depth", "{min: 1, max: 3}");
  std::map<double, int> counts;
  for (double x : ints) ++counts[x];
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count / double(kDraws), 1 / 3.0, 0.03);
  // Real bounds without a distribution: uniform.
  const std::vector<double> reals = draws("model.dropout", "{min: 0.1, max: 0.5}");
  EXPECT_NEAR(mean(reals), 0.3, tolerance(0.4));
  EXPECT_NEAR(deviation(reals), 0.4 / std::sqrt(12.0), 0.01);
  // q defaults to 1.
  const std::vector<double> q = draws("model.width", "{distribution: q_uniform, min: 10, max: 20}");
  EXPECT_TRUE(multiples_of(q, 1));
  EXPECT_EQ(*std::min_element(q.begin(), q.end()), 10);
  EXPECT_EQ(*std::max_element(q.begin(), q.end()), 20);
}

TEST(DistributionDraws, NormalFamily) {
  const std::vector<double> normal =
      draws("model.dropout", "{distribution: normal, mu: 0.5, sigma: 0.1}");
  EXPECT_NEAR(mean(normal), 0.5, 0.01);
  EXPECT_NEAR(deviation(normal), 0.1, 0.005);
  const std::vector<double> q_normal =
      draws("model.dropout", "{distribution: q_normal, mu: 0.5, sigma: 0.1, q: 0.05}");
  EXPECT_TRUE(multiples_of(q_normal, 0.05));
  EXPECT_NEAR(mean(q_normal), 0.5, 0.01);
  // log_normal: log(X) ~ N(mu, sigma).
  const std::vector<double> log_normal =
      draws("training.lr", "{distribution: log_normal, mu: -4.6, sigma: 0.5}");
  EXPECT_NEAR(mean(logs(log_normal)), -4.6, 0.03);
  EXPECT_NEAR(deviation(logs(log_normal)), 0.5, 0.02);
  EXPECT_NEAR(fraction_below(log_normal, std::exp(-4.6)), 0.5, 0.03);
  const std::vector<double> q_log_normal =
      draws("training.weight_decay", "{distribution: q_log_normal, mu: -7, sigma: 1, q: 0.0001}");
  EXPECT_TRUE(multiples_of(q_log_normal, 0.0001));
  EXPECT_NEAR(fraction_below(q_log_normal, std::exp(-7.0)), 0.5, 0.04);
}

TEST(DistributionDraws, ConstantFixesTheField) {
  const SweepSpec spec = parse_spec(
      "method: random\nrun_cap: 3\nparameters:\n  training.epochs: {value: 7}\n  model.depth: "
      "{distribution: constant, value: 2}\n",
      "c.yaml");
  EXPECT_TRUE(spec.parameters.empty());
  EXPECT_EQ(spec.base.training.epochs, 7);
  EXPECT_EQ(spec.base.model.depth, 2);
}

// experiments/fmnist-mlp-asha.yaml said log_uniform for lr and weight_decay before W&B's
// meaning; as log_uniform_values it draws what it drew (the values printed by `run --dry-run`
// before the change).
TEST(DistributionDraws, ShippedSpecsDrawAsBefore) {
  const std::vector<Trial> trials = expand_trials(
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/fmnist-mlp-asha.yaml"));
  EXPECT_EQ(trials[0].config.training.lr, 0.08841);
  EXPECT_EQ(trials[0].config.training.weight_decay, 0.000174);
  EXPECT_EQ(trials[7].config.training.lr, 0.298);
  EXPECT_EQ(trials[7].config.training.weight_decay, 5.574e-05);
  const std::vector<Trial> pbt = expand_trials(
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/fmnist-mlp-pbt.yaml"));
  EXPECT_EQ(pbt[2].config.training.lr, 0.7251);
  EXPECT_EQ(pbt[2].config.training.weight_decay, 4.012e-05);
}

}  // namespace
}  // namespace hpsweep
