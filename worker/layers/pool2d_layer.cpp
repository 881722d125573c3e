#include "worker/layers/pool2d_layer.h"

#include "worker/layers/window_shape.h"

namespace hpsweep {

Pool2dLayer::Pool2dLayer(Pair kernel, std::optional<Pair> stride, Pair padding)
    : window_{kernel, stride.value_or(kernel), padding} {}

void Pool2dLayer::check() const {
  check_window(description(), window_, /*pooling=*/true);
}

std::string Pool2dLayer::description() const {
  return kind() + "(kernel_size=" + pair_string(window_.kernel) +
         ", stride=" + pair_string(window_.stride) + ", padding=" + pair_string(window_.padding) +
         ")";
}

Pool2dDims Pool2dLayer::dims() const {
  return {input_shape_[0] * input_shape_[1], input_shape_[2], input_shape_[3], window_};
}

Shape Pool2dLayer::output_shape(const Shape& input) const {
  check_nchw(description(), input);
  const Pair size = windowed_size(description(), input, window_);
  return {input[0], input[1], size.h, size.w};
}

const Tensor& Pool2dLayer::forward(const Tensor& x, const BatchContext&) {
  output_.resize(output_shape(x.shape()));
  input_shape_ = x.shape();
  pool_forward(dims(), x.data(), output_.data());
  return output_;
}

const Tensor& Pool2dLayer::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) {
    input_grad_ = Tensor();
    return input_grad_;
  }
  input_grad_.resize(input_shape_);
  pool_backward(dims(), dy.data(), input_grad_.data());
  return input_grad_;
}

}  // namespace hpsweep
