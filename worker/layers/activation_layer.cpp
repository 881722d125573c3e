#include "worker/layers/activation_layer.h"

#include <stdexcept>

namespace hpsweep {

std::string ActivationLayer::kind() const {
  switch (activation_) {
    case Activation::relu:
      return "ReLU";
    case Activation::sigmoid:
      return "Sigmoid";
    case Activation::tanh:
      return "Tanh";
  }
  return "?";
}

const Tensor& ActivationLayer::forward(const Tensor& x, const BatchContext&) {
  if (pass_through_) return x;
  output_.resize(x.shape());
  activation_forward(activation_, x.data(), output_.data(), x.size());
  return output_;
}

const Tensor& ActivationLayer::backward(const Tensor& dy, bool) {
  if (pass_through_) return dy;
  input_grad_.resize(dy.shape());
  activation_backward(activation_, output_.data(), dy.data(), input_grad_.data(), dy.size());
  return input_grad_;
}

Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::relu;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "tanh") return Activation::tanh;
  throw std::invalid_argument("unknown activation '" + name + "'");
}

}  // namespace hpsweep
