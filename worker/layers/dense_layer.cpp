#include "worker/layers/dense_layer.h"

#include <stdexcept>

#include "worker/kernels/dense.h"

namespace hpsweep {

DenseLayer::DenseLayer(int64_t in, int64_t out)
    : in_(in),
      out_(out),
      weight_{"weight", Tensor({out, in}), Tensor({out, in}), true},
      bias_{"bias", Tensor({out}), Tensor({out}), false} {}

Shape DenseLayer::output_shape(const Shape& input) const {
  if (input.size() != 2 || input[1] != in_)
    throw std::invalid_argument("Linear(" + std::to_string(in_) + ", " + std::to_string(out_) +
                                ") got input " + shape_string(input));
  return {input[0], out_};
}

const Tensor& DenseLayer::forward(const Tensor& x, const BatchContext&) {
  output_.resize(output_shape(x.shape()));
  input_ = x;
  dense_forward(x.data(), weight_.value.data(), bias_.value.data(), output_.data(), x.dim(0), in_,
                out_);
  return output_;
}

const Tensor& DenseLayer::backward(const Tensor& dy, bool need_input_grad) {
  float* dx = nullptr;
  if (need_input_grad) {
    input_grad_.resize(input_.shape());
    dx = input_grad_.data();
  } else {
    input_grad_ = Tensor();
  }
  dense_backward(input_.data(), weight_.value.data(), dy.data(), weight_.grad.data(),
                 bias_.grad.data(), dx, dy.dim(0), in_, out_);
  return input_grad_;
}

}  // namespace hpsweep
