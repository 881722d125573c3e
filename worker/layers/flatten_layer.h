// Flatten (PyTorch nn.Flatten): [B, d1, d2, ...] -> [B, d1*d2*...], a view, no copy.
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class FlattenLayer : public Layer {
 public:
  std::string kind() const override { return "Flatten"; }
  Shape output_shape(const Shape& input) const override {
    return {input[0], shape_size(input) / input[0]};
  }
  const Tensor& forward(const Tensor& x, const BatchContext&) override {
    input_shape_ = x.shape();
    output_ = x.reshaped(output_shape(x.shape()));
    return output_;
  }
  const Tensor& backward(const Tensor& dy, bool) override {
    input_grad_ = dy.reshaped(input_shape_);
    return input_grad_;
  }

 private:
  Shape input_shape_;
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
