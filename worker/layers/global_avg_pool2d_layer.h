// Global average pooling as d2l writes it, nn.AdaptiveAvgPool2d((1, 1)):
// [B, C, H, W] -> [B, C, 1, 1], the mean of each channel.
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class GlobalAvgPool2dLayer : public Layer {
 public:
  std::string kind() const override { return "AdaptiveAvgPool2d"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;

 private:
  Shape input_shape_;
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
