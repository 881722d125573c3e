// Turns stored samples into a trial's model inputs: images resized to dataset.input_size
// (per batch, never the whole set: 60,000 images at 224x224 would be 12 GB) and, for training
// batches only, augmented. Buffers are sized on first use and reused, so a step allocates
// nothing.
#pragma once

#include <memory>

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/data/augmentation.h"
#include "worker/data/resize.h"

namespace hpsweep {

class InputPipeline {
 public:
  // stored_shape: one sample as the dataset holds it, e.g. [1, 28, 28].
  InputPipeline(const DatasetConfig& config, const Shape& stored_shape);

  // One model input, e.g. [1, 96, 96].
  const Shape& sample_shape() const { return shape_; }

  // The samples ids[0..count) of `inputs`, resized and augmented with draws from
  // (seed, epoch, id), into `out` [count, sample_shape...].
  void gather_training(const Tensor& inputs, const int64_t* ids, int64_t count, uint64_t seed,
                       int64_t epoch, Tensor& out);
  // Rows [begin, end) of `inputs` for evaluation, not augmented: a view of `inputs` when they
  // need no resizing, else resized into a buffer that the next call overwrites.
  Tensor evaluation_rows(const Tensor& inputs, int64_t begin, int64_t end);

 private:
  Shape shape_;
  int64_t stored_size_, size_;  // floats per sample
  Shape batch_shape_;           // [rows, sample_shape...]: sizes batches without allocating
  AugmentOptions augment_;
  std::unique_ptr<BilinearResize> resize_;  // null when the stored size is the input size
  std::vector<float> resized_;              // one resized image, before augmentation
  Tensor evaluation_;
};

}  // namespace hpsweep
