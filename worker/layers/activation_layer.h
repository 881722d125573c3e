// Elementwise activation layer (PyTorch nn.ReLU, nn.Sigmoid, nn.Tanh); any shape.
#pragma once

#include "worker/kernels/activation.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation activation) : activation_(activation) {}
  std::string kind() const override;
  Shape output_shape(const Shape& input) const override { return input; }
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  bool is_relu() const { return activation_ == Activation::relu; }
  // The layer before applies this activation (BatchNormLayer::take_over): forward and
  // backward return what they are given.
  void pass_through() { pass_through_ = true; }

 private:
  Activation activation_;
  bool pass_through_ = false;
  Tensor output_, input_grad_;
};

Activation parse_activation(const std::string& name);  // "relu" | "sigmoid" | "tanh"

}  // namespace hpsweep
