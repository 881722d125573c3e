#include "worker/layers/max_pool2d_layer.h"

#include "worker/layers/window_shape.h"

namespace hpsweep {

MaxPool2dLayer::MaxPool2dLayer(Pair kernel, std::optional<Pair> stride, Pair padding)
    : window_{kernel, stride.value_or(kernel), padding} {
  check_window(description(), window_, /*pooling=*/true);
}

std::string MaxPool2dLayer::description() const {
  return "MaxPool2d(kernel_size=" + pair_string(window_.kernel) +
         ", stride=" + pair_string(window_.stride) + ", padding=" + pair_string(window_.padding) +
         ")";
}

Pool2dDims MaxPool2dLayer::dims() const {
  return {input_shape_[0] * input_shape_[1], input_shape_[2], input_shape_[3], window_};
}

Shape MaxPool2dLayer::output_shape(const Shape& input) const {
  check_nchw(description(), input);
  const Pair size = windowed_size(description(), input, window_);
  return {input[0], input[1], size.h, size.w};
}

const Tensor& MaxPool2dLayer::forward(const Tensor& x, const BatchContext&) {
  output_.resize(output_shape(x.shape()));
  input_shape_ = x.shape();
  argmax_.resize(output_.size());
  max_pool2d_forward(dims(), x.data(), output_.data(), argmax_.data());
  return output_;
}

const Tensor& MaxPool2dLayer::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) {
    input_grad_ = Tensor();
    return input_grad_;
  }
  input_grad_.resize(input_shape_);
  max_pool2d_backward(dims(), argmax_.data(), dy.data(), input_grad_.data());
  return input_grad_;
}

}  // namespace hpsweep
