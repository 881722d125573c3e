// Datasets in memory: inputs as float32 with the sample axis first, and either class labels
// (classification, Fashion-MNIST) or real targets (regression, d2l's synthetic sets). The sets
// are those of the registry (common/dataset_types.h, worker/data/dataset_sources.h):
//   fashion-mnist      IDX files, [N, 1, 28, 28] pixels in [0, 1], labels 0..9
//   polynomial         d2l 4.4: y = 5 + 1.2x - 3.4x^2/2! + 5.6x^3/3! + noise(0.1), features
//                      x^i/i! for i = 0..features-1 (default 20), 100 training and 100 test points
//   linear-regression  d2l 4.5: y = 0.05 + sum 0.01 x_i + noise(0.01) over `features` inputs
//                      (default 200), 20 training and 100 test points
//   fmnist-detection   [N, 1, S, S] canvases of 1..max_objects Fashion-MNIST items, each
//                      object with its class and box (worker/data/detection_canvas.h)
// Synthetic sets are drawn from dataset.seed, so every trial of a sweep sees the same data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/detection/box.h"

namespace hpsweep {

// One object of a detection set's sample: its class, the image of the source split it was
// cut from (0-based, in file order) and its box in pixels (docs/detection.md).
struct DetectionObject {
  int32_t label;
  int64_t source;
  Box box;
};

struct Dataset {
  Tensor inputs;                // [N, ...]
  std::vector<int32_t> labels;  // [N] for classification
  Tensor targets;               // [N, 1] for regression
  // [N] for detection: each sample's objects, in the order they were pasted.
  std::vector<std::vector<DetectionObject>> objects;
  int64_t classes = 0;  // 0: regression

  bool regression() const { return classes == 0; }
  int64_t size() const { return inputs.empty() ? 0 : inputs.dim(0); }
  Shape sample_shape() const { return Shape(inputs.shape().begin() + 1, inputs.shape().end()); }
  // The first n samples (a view; the file order of Fashion-MNIST is already random).
  Dataset first(int64_t n) const;
};

// The samples `ids` of `set`, in that order.
Dataset gather(const Dataset& set, const std::vector<int64_t>& ids);

struct TextCorpus;

struct TrainTestData {
  Dataset train, test;
  // dataset.name text: the token streams instead (train and test stay empty).
  std::shared_ptr<const TextCorpus> text = nullptr;
};

// Loaded datasets by dataset_key(): the coordinator's in dev mode, each rank's own under MPI.
using DataCatalog = std::map<std::string, TrainTestData>;

// What the coordinator needs to validate a spec without loading the data.
struct DatasetShape {
  int64_t train_size = 0, test_size = 0;
  Shape sample_shape;
  int64_t classes = 0;
};

TrainTestData load_dataset(const DatasetConfig& config);
// The shapes as the model sees them: dataset.input_size applied, and `classes` the model's
// outputs (k for dataset.classes of k). Throws UserError naming the
// key when image options (input_size, flip, crop_padding) are given for a set without images.
DatasetShape inspect_dataset(const DatasetConfig& config);
// The training samples of each class (by label) among the first dataset.train_subset, read
// without the images; empty for a set without classes.
std::vector<int64_t> training_class_counts(const DatasetConfig& config);
// One model input of a set whose samples are stored as `stored`: [C, S, S] for
// dataset.input_size S > 0, else `stored`. Throws as inspect_dataset does.
Shape input_shape(const DatasetConfig& config, const Shape& stored);
// Trials whose datasets have the same key share one copy in memory. Fashion-MNIST's key
// includes the subsets: only the samples a trial uses are read (dataset.train_subset). A
// detection set's key holds everything its canvases depend on.
std::string dataset_key(const DatasetConfig& config);

// Fashion-MNIST: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] in `directory`; the first
// `train_limit` and `test_limit` samples of each split (0: all of it).
TrainTestData load_fashion_mnist(const std::string& directory, int64_t train_limit = 0,
                                 int64_t test_limit = 0);
DatasetShape inspect_fashion_mnist(const std::string& directory);
// Training samples per class among the first `train_limit` (0: all), from the labels file.
std::vector<int64_t> count_fashion_mnist_train_classes(const std::string& directory,
                                                       int64_t train_limit);

// fmnist-detection: canvases drawn from dataset.seed over Fashion-MNIST at dataset.path
// (worker/data/fmnist_detection.cpp).
TrainTestData make_fmnist_detection(const DatasetConfig& config);
DatasetShape inspect_fmnist_detection(const DatasetConfig& config);

// d2l's synthetic regression sets.
TrainTestData make_polynomial_data(int64_t features, uint64_t seed);
TrainTestData make_linear_regression_data(int64_t features, uint64_t seed);

}  // namespace hpsweep
