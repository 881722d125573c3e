#include "worker/data/dataset_sources.h"

#include "common/error.h"
#include "worker/data/text_dataset.h"

namespace hpsweep {
namespace {

// dataset.features, or the set's default; at most the set's maximum.
int64_t features_of(const DatasetConfig& config, const DatasetType& type) {
  const int64_t features = config.features > 0 ? config.features : type.default_features;
  if (type.max_features > 0 && features > type.max_features)
    throw UserError("dataset.features: the " + type.name + " set has " +
                    std::to_string(type.max_features) + " features, got " +
                    std::to_string(features));
  return features;
}

TrainTestData load_fashion(const DatasetConfig& config, const DatasetType&) {
  return load_fashion_mnist(config.path, config.train_subset, config.test_subset);
}
DatasetShape inspect_fashion(const DatasetConfig& config, const DatasetType&) {
  return inspect_fashion_mnist(config.path);
}
std::vector<int64_t> count_fashion_classes(const DatasetConfig& config, const DatasetType&) {
  return count_fashion_mnist_train_classes(config.path, config.train_subset);
}

TrainTestData load_fmnist_detection(const DatasetConfig& config, const DatasetType&) {
  return make_fmnist_detection(config);
}
DatasetShape inspect_detection(const DatasetConfig& config, const DatasetType&) {
  return inspect_fmnist_detection(config);
}

TrainTestData load_polynomial(const DatasetConfig& config, const DatasetType& type) {
  return make_polynomial_data(features_of(config, type), config.seed);
}
DatasetShape inspect_polynomial(const DatasetConfig& config, const DatasetType& type) {
  return {100, 100, {features_of(config, type)}, 0};
}

TrainTestData load_linear_regression(const DatasetConfig& config, const DatasetType& type) {
  return make_linear_regression_data(features_of(config, type), config.seed);
}
DatasetShape inspect_linear_regression(const DatasetConfig& config, const DatasetType& type) {
  return {20, 100, {features_of(config, type)}, 0};
}

TrainTestData load_text(const DatasetConfig& config, const DatasetType&) {
  return load_text_dataset(config);
}
DatasetShape inspect_text(const DatasetConfig& config, const DatasetType&) {
  return inspect_text_dataset(config);
}

}  // namespace

const std::vector<DatasetSource>& dataset_sources() {
  static const std::vector<DatasetSource> sources = {
      {"fashion-mnist", load_fashion, inspect_fashion, count_fashion_classes},
      {"fmnist-detection", load_fmnist_detection, inspect_detection},
      {"polynomial", load_polynomial, inspect_polynomial},
      {"linear-regression", load_linear_regression, inspect_linear_regression},
      {"text", load_text, inspect_text}};
  return sources;
}

const DatasetSource* find_dataset_source(const std::string& name) {
  for (const DatasetSource& source : dataset_sources())
    if (source.name == name) return &source;
  return nullptr;
}

}  // namespace hpsweep
