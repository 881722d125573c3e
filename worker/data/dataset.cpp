#include "worker/data/dataset.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/dataset_types.h"
#include "common/error.h"
#include "worker/data/dataset_sources.h"

namespace hpsweep {
namespace {

// The registry's entry and the source of dataset.name (which the spec loader has checked).
std::pair<const DatasetType&, const DatasetSource&> dataset_of(const DatasetConfig& config) {
  const DatasetType* type = find_dataset_type(config.name);
  const DatasetSource* source = find_dataset_source(config.name);
  if (!type || !source) throw UserError("dataset.name: unknown dataset '" + config.name + "'");
  if (config.max_objects > 0 && !type->detection)
    throw UserError("dataset.max_objects: applies to detection sets only, not the " + config.name +
                    " set");
  return {*type, *source};
}

// "fashion-mnist": the sets with images, for messages.
std::string image_dataset_names() {
  std::string names;
  for (const DatasetType& type : dataset_types())
    if (type.images) names += (names.empty() ? "" : " or ") + type.name;
  return names;
}

// The shortest text that reads back as `x`, so that two fractions never share a key.
std::string exact_text(double x) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, x).ptr);
}

}  // namespace

Dataset Dataset::first(int64_t n) const {
  Dataset subset;
  subset.inputs = inputs.rows(0, n);
  if (!labels.empty()) subset.labels.assign(labels.begin(), labels.begin() + n);
  if (!objects.empty()) subset.objects.assign(objects.begin(), objects.begin() + n);
  if (!targets.empty()) subset.targets = targets.rows(0, n);
  subset.classes = classes;
  return subset;
}

Dataset gather(const Dataset& set, const std::vector<int64_t>& ids) {
  Dataset part;
  part.classes = set.classes;
  Shape shape = set.inputs.shape();
  shape[0] = static_cast<int64_t>(ids.size());
  part.inputs = Tensor(shape);
  const int64_t row = set.inputs.size() / std::max<int64_t>(set.size(), 1);
  for (size_t i = 0; i < ids.size(); ++i)
    std::memcpy(part.inputs.data() + i * row, set.inputs.data() + ids[i] * row,
                sizeof(float) * row);
  if (set.regression()) {
    part.targets = Tensor({static_cast<int64_t>(ids.size()), 1});
    for (size_t i = 0; i < ids.size(); ++i) part.targets[i] = set.targets[ids[i]];
  }
  for (int64_t id : ids) {
    if (!set.labels.empty()) part.labels.push_back(set.labels[id]);
    if (!set.objects.empty()) part.objects.push_back(set.objects[id]);
  }
  return part;
}

TrainTestData load_dataset(const DatasetConfig& config) {
  const auto [type, source] = dataset_of(config);
  return source.load(config, type);
}

DatasetShape inspect_dataset(const DatasetConfig& config) {
  const auto [type, source] = dataset_of(config);
  DatasetShape shape = source.inspect(config, type);
  shape.sample_shape = input_shape(config, shape.sample_shape);
  if (!config.classes.empty()) shape.classes = static_cast<int64_t>(config.classes.size());
  return shape;
}

std::vector<int64_t> training_class_counts(const DatasetConfig& config) {
  const auto [type, source] = dataset_of(config);
  if (!source.train_class_counts) return {};
  return source.train_class_counts(config, type);
}

Shape input_shape(const DatasetConfig& config, const Shape& stored) {
  const DatasetType* type = find_dataset_type(config.name);
  const bool images = type && type->images && stored.size() == 3;
  const char* image_key = config.input_size > 0     ? "dataset.input_size"
                          : config.flip             ? "dataset.flip"
                          : config.crop_padding > 0 ? "dataset.crop_padding"
                                                    : nullptr;
  if (image_key && !images)
    throw UserError(std::string(image_key) + ": applies to " + image_dataset_names() +
                    " images only, not the " + config.name + " set");
  if (config.input_size == 0) return stored;
  return {stored[0], config.input_size, config.input_size};
}

std::string dataset_key(const DatasetConfig& config) {
  const DatasetType* type = find_dataset_type(config.name);
  if (type && type->detection)
    return config.name + ":" + config.path + ":" + std::to_string(config.train_subset) + ":" +
           std::to_string(config.test_subset) + ":" + std::to_string(config.seed) + ":" +
           std::to_string(config.input_size) + ":" + std::to_string(config.max_objects);
  if (type && type->text)
    return config.name + ":" + config.path + ":" + config.preprocess + ":" + config.tokens + ":" +
           exact_text(config.test_fraction) + ":" + std::to_string(config.min_freq);
  if (type && type->from_files)
    return config.name + ":" + config.path + ":" + std::to_string(config.train_subset) + ":" +
           std::to_string(config.test_subset);
  return config.name + ":" + std::to_string(config.features) + ":" + std::to_string(config.seed);
}

}  // namespace hpsweep
