// Inverted dropout (PyTorch nn.Dropout): identity in evaluation and when p = 0.
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class DropoutLayer : public Layer {
 public:
  explicit DropoutLayer(double p) : p_(p) {}
  std::string kind() const override { return "Dropout"; }
  Shape output_shape(const Shape& input) const override { return input; }
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;

  double p() const { return p_; }
  // The mask of the last training forward pass (tests fix it to check gradients).
  const Tensor& mask() const { return mask_; }

 private:
  double p_;
  bool active_ = false;  // whether the last forward pass dropped anything
  Tensor input_, mask_, output_, input_grad_;
};

}  // namespace hpsweep
