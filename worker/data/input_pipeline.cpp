#include "worker/data/input_pipeline.h"

#include <algorithm>

#include "worker/data/dataset.h"

namespace hpsweep {

InputPipeline::InputPipeline(const DatasetConfig& config, const Shape& stored_shape)
    : shape_(input_shape(config, stored_shape)),
      stored_size_(shape_size(stored_shape)),
      size_(shape_size(shape_)),
      batch_shape_(shape_),
      augment_{config.flip, config.crop_padding} {
  batch_shape_.insert(batch_shape_.begin(), 0);
  if (shape_ != stored_shape) {
    resize_ =
        std::make_unique<BilinearResize>(stored_shape[1], stored_shape[2], shape_[1], shape_[2]);
    if (augment_.active()) resized_.resize(size_);
  }
}

void InputPipeline::gather_training(const Tensor& inputs, const int64_t* ids, int64_t count,
                                    uint64_t seed, int64_t epoch, Tensor& out) {
  batch_shape_[0] = count;
  out.resize(batch_shape_);
  for (int64_t i = 0; i < count; ++i) {
    const float* source = inputs.data() + ids[i] * stored_size_;
    float* target = out.data() + i * size_;
    if (!augment_.active()) {
      if (resize_)
        resize_->apply(source, target, shape_[0]);
      else
        std::copy(source, source + size_, target);
      continue;
    }
    if (resize_) {
      resize_->apply(source, resized_.data(), shape_[0]);
      source = resized_.data();
    }
    augment_image(source, target, shape_[0], shape_[1], shape_[2], augment_.crop_padding,
                  draw_augmentation(augment_, seed, epoch, ids[i]));
  }
}

Tensor InputPipeline::evaluation_rows(const Tensor& inputs, int64_t begin, int64_t end) {
  if (!resize_) return inputs.rows(begin, end);
  batch_shape_[0] = end - begin;
  evaluation_.resize(batch_shape_);
  for (int64_t i = begin; i < end; ++i)
    resize_->apply(inputs.data() + i * stored_size_, evaluation_.data() + (i - begin) * size_,
                   shape_[0]);
  return evaluation_;
}

}  // namespace hpsweep
