// d2l's residual block (ResNet, d2l 8.6): two 3x3 convolutions with batch norm,
//   Y = relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut(X))
// where the shortcut is X itself, or a 1x1 convolution "conv3" (with the block's stride) when
// the channels or the resolution change. Children: conv1, conv2, [conv3,] bn1, bn2, as in the
// book's Residual class, so parameter names match it.
#pragma once

#include <memory>

#include "worker/layers/activation_layer.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class ResidualBlock : public Layer {
 public:
  ResidualBlock(int64_t in_channels, int64_t channels, bool use_1x1conv, int64_t stride);
  std::string kind() const override { return "Residual"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  std::unique_ptr<Layer> conv1_, conv2_, conv3_, bn1_, bn2_;
  ActivationLayer relu1_{Activation::relu}, relu_out_{Activation::relu};
  const Tensor* input_ = nullptr;
  Tensor sum_, input_grad_;
};

}  // namespace hpsweep
