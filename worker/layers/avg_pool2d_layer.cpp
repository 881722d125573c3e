#include "worker/layers/avg_pool2d_layer.h"

#include "worker/layers/window_shape.h"

namespace hpsweep {

AvgPool2dLayer::AvgPool2dLayer(Pair kernel, std::optional<Pair> stride, Pair padding)
    : window_{kernel, stride.value_or(kernel), padding} {
  check_window(description(), window_, /*pooling=*/true);
}

std::string AvgPool2dLayer::description() const {
  return "AvgPool2d(kernel_size=" + pair_string(window_.kernel) +
         ", stride=" + pair_string(window_.stride) + ", padding=" + pair_string(window_.padding) +
         ")";
}

Pool2dDims AvgPool2dLayer::dims() const {
  return {input_shape_[0] * input_shape_[1], input_shape_[2], input_shape_[3], window_};
}

Shape AvgPool2dLayer::output_shape(const Shape& input) const {
  check_nchw(description(), input);
  const Pair size = windowed_size(description(), input, window_);
  return {input[0], input[1], size.h, size.w};
}

const Tensor& AvgPool2dLayer::forward(const Tensor& x, const BatchContext&) {
  output_.resize(output_shape(x.shape()));
  input_shape_ = x.shape();
  avg_pool2d_forward(dims(), x.data(), output_.data());
  return output_;
}

const Tensor& AvgPool2dLayer::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) {
    input_grad_ = Tensor();
    return input_grad_;
  }
  input_grad_.resize(input_shape_);
  avg_pool2d_backward(dims(), dy.data(), input_grad_.data());
  return input_grad_;
}

}  // namespace hpsweep
