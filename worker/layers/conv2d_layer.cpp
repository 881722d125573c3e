#include "worker/layers/conv2d_layer.h"

#include "common/error.h"
#include "worker/layers/window_shape.h"

namespace hpsweep {

Conv2dLayer::Conv2dLayer(int64_t in_channels, int64_t out_channels, Pair kernel, Pair stride,
                         Pair padding)
    : in_(in_channels), out_(out_channels), window_{kernel, stride, padding} {
  if (in_ < 1 || out_ < 1) throw UserError(description() + ": channels must be positive");
  check_window(description(), window_, /*pooling=*/false);
  const Shape weight_shape{out_, in_, kernel.h, kernel.w};
  weight_ = {"weight", Tensor(weight_shape), Tensor(weight_shape), true};
  bias_ = {"bias", Tensor({out_}), Tensor({out_}), false};
}

std::string Conv2dLayer::description() const {
  return "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) +
         ", kernel_size=" + pair_string(window_.kernel) +
         ", stride=" + pair_string(window_.stride) + ", padding=" + pair_string(window_.padding) +
         ")";
}

Conv2dDims Conv2dLayer::dims(const Shape& input) const {
  return {input[0], in_, input[2], input[3], out_, window_};
}

Shape Conv2dLayer::output_shape(const Shape& input) const {
  check_nchw(description(), input);
  if (input[1] != in_)
    throw UserError(description() + " got input " + shape_string(input) + ": expected " +
                    std::to_string(in_) + " channels");
  const Pair size = windowed_size(description(), input, window_);
  return {input[0], out_, size.h, size.w};
}

const Tensor& Conv2dLayer::forward(const Tensor& x, const BatchContext& context) {
  stop_ = context.stop;
  const KernelStopScope scope(stop_);
  output_.resize(output_shape(x.shape()));
  input_ = x;
  workspace_.resize({conv2d_workspace_size(dims(x.shape()))});
  conv2d_forward(dims(x.shape()), x.data(), weight_.value.data(), bias_.value.data(),
                 output_.data(), workspace_.data());
  return output_;
}

const Tensor& Conv2dLayer::backward(const Tensor& dy, bool need_input_grad) {
  float* dx = nullptr;
  if (need_input_grad) {
    input_grad_.resize(input_.shape());
    dx = input_grad_.data();
  } else {
    input_grad_ = Tensor();
  }
  const KernelStopScope scope(stop_);
  conv2d_backward(dims(input_.shape()), input_.data(), weight_.value.data(), dy.data(),
                  weight_.grad.data(), bias_.grad.data(), dx, workspace_.data());
  return input_grad_;
}

}  // namespace hpsweep
