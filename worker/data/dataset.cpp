#include "worker/data/dataset.h"

#include "common/error.h"

namespace hpsweep {
namespace {

constexpr int64_t kPolynomialDefaultFeatures = 20;
constexpr int64_t kLinearRegressionDefaultFeatures = 200;

int64_t features_or(const DatasetConfig& config, int64_t fallback) {
  return config.features > 0 ? config.features : fallback;
}

// The shapes as stored, before dataset.input_size.
DatasetShape inspect_stored(const DatasetConfig& config) {
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
  return load_fashion_mnist(config.path, config.train_subset, config.test_subset);
}

DatasetShape inspect_dataset(const DatasetConfig& config) {
  DatasetShape shape = inspect_stored(config);
  shape.sample_shape = input_shape(config, shape.sample_shape);
  return shape;
}

Shape input_shape(const DatasetConfig& config, const Shape& stored) {
  const bool images = config.name == "fashion-mnist" && stored.size() == 3;
  const char* image_key = config.input_size > 0     ? "dataset.input_size"
                          : config.flip             ? "dataset.flip"
                          : config.crop_padding > 0 ? "dataset.crop_padding"
                                                    : nullptr;
  if (image_key && !images)
    throw UserError(std::string(image_key) + ": applies to fashion-mnist images only, not the " +
                    config.name + " set");
  if (config.input_size == 0) return stored;
  return {stored[0], config.input_size, config.input_size};
}

std::string dataset_key(const DatasetConfig& config) {
  if (config.name == "fashion-mnist")
    return config.name + ":" + config.path + ":" + std::to_string(config.train_subset) + ":" +
           std::to_string(config.test_subset);
  return config.name + ":" + std::to_string(config.features) + ":" + std::to_string(config.seed);
}

}  // namespace hpsweep
