#include "worker/data/dataset.h"

#include "common/error.h"

namespace hpsweep {
namespace {

constexpr int64_t kPolynomialDefaultFeatures = 20;
constexpr int64_t kLinearRegressionDefaultFeatures = 200;

int64_t features_or(const DatasetConfig& config, int64_t fallback) {
  return config.features > 0 ? config.features : fallback;
}

}  // namespace

Dataset Dataset::first(int64_t n) const {
  Dataset subset;
  subset.inputs = inputs.rows(0, n);
  if (!labels.empty()) subset.labels.assign(labels.begin(), labels.begin() + n);
  if (!targets.empty()) subset.targets = targets.rows(0, n);
  subset.classes = classes;
  return subset;
}

TrainTestData load_dataset(const DatasetConfig& config) {
  if (config.name == "polynomial")
    return make_polynomial_data(features_or(config, kPolynomialDefaultFeatures), config.seed);
  if (config.name == "linear-regression")
    return make_linear_regression_data(features_or(config, kLinearRegressionDefaultFeatures),
                                       config.seed);
  return load_fashion_mnist(config.path);
}

DatasetShape inspect_dataset(const DatasetConfig& config) {
  if (config.name == "polynomial") {
    const int64_t features = features_or(config, kPolynomialDefaultFeatures);
    if (features > kPolynomialDefaultFeatures)
      throw UserError("dataset.features: the polynomial set has 20 features, got " +
                      std::to_string(features));
    return {100, 100, {features}, 0};
  }
  if (config.name == "linear-regression")
    return {20, 100, {features_or(config, kLinearRegressionDefaultFeatures)}, 0};
  return inspect_fashion_mnist(config.path);
}

std::string dataset_key(const DatasetConfig& config) {
  if (config.name == "fashion-mnist") return config.name + ":" + config.path;
  return config.name + ":" + std::to_string(config.features) + ":" + std::to_string(config.seed);
}

}  // namespace hpsweep
