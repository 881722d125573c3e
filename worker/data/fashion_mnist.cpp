// Fashion-MNIST from the IDX files of the Debian package dataset-fashion-mnist.
#include <filesystem>

#include "common/error.h"
#include "worker/data/dataset.h"
#include "worker/data/idx_reader.h"

namespace hpsweep {
namespace {

// Prefers the gzipped name the Debian package ships; accepts an unpacked copy too.
std::string find_file(const std::string& directory, const std::string& stem) {
  const std::filesystem::path dir(directory);
  for (const char* suffix : {".gz", ""}) {
    const auto path = dir / (stem + suffix);
    if (std::filesystem::exists(path)) return path.string();
  }
  throw UserError((dir / (stem + ".gz")).string() +
                  ": missing (install the Debian package dataset-fashion-mnist, or set "
                  "dataset.path)");
}

// The first `limit` samples (0: all).
Dataset load_split(const std::string& directory, const std::string& prefix, int64_t limit) {
  const std::string images_path = find_file(directory, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(directory, prefix + "-labels-idx1-ubyte");
  const IdxArray images = read_idx_file(images_path, limit);
  const IdxArray labels = read_idx_file(labels_path, limit);
  if (images.dims.size() != 3) throw UserError(images_path + ": expected 3 dimensions [N, H, W]");
  if (labels.dims.size() != 1) throw UserError(labels_path + ": expected 1 dimension [N]");
  if (images.dims[0] != labels.dims[0])
    throw UserError(images_path + ": holds " + std::to_string(images.dims[0]) + " images but " +
                    labels_path + " holds " + std::to_string(labels.dims[0]) + " labels");
  Dataset set;
  set.classes = 10;
  set.inputs = Tensor({images.dims[0], 1, images.dims[1], images.dims[2]});
  for (size_t i = 0; i < images.data.size(); ++i) set.inputs[i] = images.data[i] / 255.0f;
  set.labels.assign(labels.data.begin(), labels.data.end());
  for (int32_t label : set.labels)
    if (label >= set.classes)
      throw UserError(labels_path + ": label " + std::to_string(label) + " is not in 0..9");
  return set;
}

}  // namespace

DatasetShape inspect_fashion_mnist(const std::string& directory) {
  const std::string train_images = find_file(directory, "train-images-idx3-ubyte");
  const std::vector<int64_t> train = read_idx_dims(train_images);
  const std::vector<int64_t> test = read_idx_dims(find_file(directory, "t10k-images-idx3-ubyte"));
  if (train.size() != 3) throw UserError(train_images + ": expected 3 dimensions [N, H, W]");
  return {train[0], test[0], {1, train[1], train[2]}, 10};
}

std::vector<int64_t> count_fashion_mnist_train_classes(const std::string& directory,
                                                       int64_t train_limit) {
  const std::string labels_path = find_file(directory, "train-labels-idx1-ubyte");
  std::vector<int64_t> counts(10, 0);
  for (uint8_t label : read_idx_file(labels_path, train_limit).data) {
    if (label >= 10)
      throw UserError(labels_path + ": label " + std::to_string(static_cast<int>(label)) +
                      " is not in 0..9");
    ++counts[static_cast<size_t>(label)];
  }
  return counts;
}

TrainTestData load_fashion_mnist(const std::string& directory, int64_t train_limit,
                                 int64_t test_limit) {
  return {load_split(directory, "train", train_limit), load_split(directory, "t10k", test_limit)};
}

}  // namespace hpsweep
