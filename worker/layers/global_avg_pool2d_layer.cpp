#include "worker/layers/global_avg_pool2d_layer.h"

#include "common/error.h"
#include "worker/kernels/pooling.h"
#include "worker/layers/window_shape.h"

namespace hpsweep {
namespace {

const char kDescription[] = "AdaptiveAvgPool2d(output_size=(1, 1))";

}  // namespace

Shape GlobalAvgPool2dLayer::output_shape(const Shape& input) const {
  check_nchw(kDescription, input);
  if (input[2] < 1 || input[3] < 1)
    throw UserError(std::string(kDescription) + " got input " + shape_string(input) +
                    ": expected a non-empty plane");
  return {input[0], input[1], 1, 1};
}

const Tensor& GlobalAvgPool2dLayer::forward(const Tensor& x, const BatchContext&) {
  output_.resize(output_shape(x.shape()));
  input_shape_ = x.shape();
  global_avg_pool2d_forward(x.dim(0) * x.dim(1), x.dim(2) * x.dim(3), x.data(), output_.data());
  return output_;
}

const Tensor& GlobalAvgPool2dLayer::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) {
    input_grad_ = Tensor();
    return input_grad_;
  }
  input_grad_.resize(input_shape_);
  global_avg_pool2d_backward(input_shape_[0] * input_shape_[1], input_shape_[2] * input_shape_[3],
                             dy.data(), input_grad_.data());
  return input_grad_;
}

}  // namespace hpsweep
