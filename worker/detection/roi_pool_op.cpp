#include "worker/detection/roi_pool_op.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace hpsweep {

RoiPool::RoiPool(int64_t pooled_height, int64_t pooled_width, float spatial_scale)
    : dims_{0, 0, 0, 0, 0, pooled_height, pooled_width, spatial_scale} {
  if (pooled_height < 1 || pooled_width < 1 || !(spatial_scale > 0))
    throw std::invalid_argument(description() +
                                ": the output size and spatial scale must be positive");
}

std::string RoiPool::description() const {
  std::ostringstream out;
  out << "RoIPool(output_size=(" << dims_.pooled_height << ", " << dims_.pooled_width
      << "), spatial_scale=" << dims_.spatial_scale << ")";
  return out.str();
}

Shape RoiPool::output_shape(const Shape& features, const Shape& regions) const {
  if (features.size() != 4 || regions.size() != 2 || regions[1] != 5)
    throw std::invalid_argument(description() + " got features " + shape_string(features) +
                                " and regions " + shape_string(regions) +
                                ": expected [N, C, H, W] and [K, 5]");
  return {regions[0], features[1], dims_.pooled_height, dims_.pooled_width};
}

const Tensor& RoiPool::forward(const Tensor& features, const Tensor& regions) {
  output_.resize(output_shape(features.shape(), regions.shape()));
  for (int64_t r = 0; r < regions.dim(0); ++r) {
    const float index = regions[r * 5];
    if (!(index >= 0 && index < static_cast<float>(features.dim(0))))
      throw std::invalid_argument(description() + ": region " + std::to_string(r) +
                                  " names batch index " + std::to_string(index) + " of " +
                                  std::to_string(features.dim(0)));
  }
  dims_.batch = features.dim(0);
  dims_.channels = features.dim(1);
  dims_.height = features.dim(2);
  dims_.width = features.dim(3);
  dims_.regions = regions.dim(0);
  regions_.resize(regions.shape());  // kept for backward, which needs the batch indices
  std::copy_n(regions.data(), regions.size(), regions_.data());
  argmax_.resize(output_.size());
  roi_pool_forward(dims_, features.data(), regions_.data(), output_.data(), argmax_.data());
  return output_;
}

const Tensor& RoiPool::backward(const Tensor& dy) {
  if (dy.shape() != output_.shape())
    throw std::invalid_argument(description() + ": output gradient " + shape_string(dy.shape()) +
                                " for output " + shape_string(output_.shape()));
  input_grad_.resize({dims_.batch, dims_.channels, dims_.height, dims_.width});
  roi_pool_backward(dims_, regions_.data(), argmax_.data(), dy.data(), input_grad_.data());
  return input_grad_;
}

}  // namespace hpsweep
