// Labelled images in memory, as float32 NCHW with pixels scaled to [0, 1].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/tensor.h"

namespace hpsweep {

struct ImageDataset {
  Tensor images;                // [N, C, H, W]
  std::vector<int32_t> labels;  // [N]
  int64_t classes = 0;

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  Shape sample_shape() const { return Shape(images.shape().begin() + 1, images.shape().end()); }
  // The first n samples (a view; the file order of Fashion-MNIST is already random).
  ImageDataset first(int64_t n) const;
};

struct TrainTestData {
  ImageDataset train, test;
};

// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `directory`.
TrainTestData load_fashion_mnist(const std::string& directory);

// What the coordinator needs to validate a spec without loading the images.
struct DatasetShape {
  int64_t train_size = 0, test_size = 0;
  Shape sample_shape;  // [C, H, W]
  int64_t classes = 10;
};
// Reads only the IDX headers.
DatasetShape inspect_fashion_mnist(const std::string& directory);

}  // namespace hpsweep
