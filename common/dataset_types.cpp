#include "common/dataset_types.h"

#include "common/trial_config.h"

namespace hpsweep {

const std::vector<DatasetType>& dataset_types() {
  // Zalando's names of Fashion-MNIST's labels 0..9.
  static const std::vector<std::string> fashion_mnist_classes = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  static const std::vector<DatasetType> types = {
      // Fashion-MNIST's IDX files: [1, 28, 28] images of 10 classes
      // (worker/data/fashion_mnist.cpp).
      {.name = "fashion-mnist",
       .classes = 10,
       .images = true,
       .from_files = true,
       .class_names = fashion_mnist_classes},
      // Fashion-MNIST items pasted onto [1, S, S] canvases, with boxes
      // (worker/data/fmnist_detection.cpp, docs/detection.md).
      {.name = "fmnist-detection",
       .classes = 10,
       .images = true,
       .from_files = true,
       .detection = true,
       .class_names = fashion_mnist_classes},
      // d2l 4.4: features x^i/i! of one normal x, of which the first 20 exist.
      {.name = "polynomial", .default_features = 20, .max_features = 20},
      // d2l 4.5: `features` normal inputs.
      {.name = "linear-regression", .default_features = 200},
      // Any UTF-8 text file as token ids (common/text_corpus.h).
      {.name = "text", .text = true, .from_files = true},
  };
  return types;
}

const DatasetType* find_dataset_type(const std::string& name) {
  for (const DatasetType& type : dataset_types())
    if (type.name == name) return &type;
  return nullptr;
}

std::vector<std::string> dataset_type_names() {
  std::vector<std::string> names;
  for (const DatasetType& type : dataset_types()) names.push_back(type.name);
  return names;
}

bool DatasetConfig::regression() const {
  const DatasetType* type = find_dataset_type(name);
  return type && type->classes == 0 && !type->text;
}

}  // namespace hpsweep
