// RoI pooling as a two-input op for detector graphs (torchvision.ops.RoIPool): features
// [N, C, H, W] and regions [K, 5] (batch index, x1, y1, x2, y2 in input-image coordinates)
// give [K, C, ph, pw]; the rounding rules are worker/kernels/roi_pool.h's. It is not a Layer
// because it takes two inputs (worker/layers/layer.h); like a layer, it owns its output and
// gradient buffers and keeps what backward needs from the last forward pass. Regions get no
// gradient, as in torchvision.
#pragma once

#include <string>
#include <vector>

#include "common/tensor.h"
#include "worker/kernels/roi_pool.h"

namespace hpsweep {

class RoiPool {
 public:
  RoiPool(int64_t pooled_height, int64_t pooled_width, float spatial_scale);
  std::string description() const;  // "RoIPool(output_size=(2, 2), spatial_scale=0.1)"
  Shape output_shape(const Shape& features, const Shape& regions) const;
  const Tensor& forward(const Tensor& features, const Tensor& regions);
  // dL/dfeatures for the last forward pass, given dL/dy.
  const Tensor& backward(const Tensor& dy);

 private:
  RoiPoolDims dims_;  // of the last forward pass
  Tensor regions_, output_, input_grad_;
  std::vector<int32_t> argmax_;
};

}  // namespace hpsweep
