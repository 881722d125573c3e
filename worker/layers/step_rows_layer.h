// [T, B, F] -> [T * B, F], a view: every step's rows at once, so that one Linear gives a dense
// output per step (d2l's RNNModel: self.linear(Y.reshape((-1, Y.shape[-1])))).
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class StepRowsLayer : public Layer {
 public:
  std::string kind() const override { return "StepRows"; }
  Shape output_shape(const Shape& input) const override {
    return {input[0] * input[1], shape_size(input) / (input[0] * input[1])};
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
