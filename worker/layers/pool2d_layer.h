// What max and average pooling share (PyTorch's nn.MaxPool2d and nn.AvgPool2d, no dilation,
// floor mode): the window, shape checks, buffers and the forward/backward skeleton;
// [B, C, H, W] -> [B, C, Ho, Wo], each channel pooled on its own. The stride defaults to the
// kernel size, as in PyTorch. Subclasses supply the kernels.
#pragma once

#include <optional>

#include "worker/kernels/pooling.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class Pool2dLayer : public Layer {
 public:
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::string description() const;  // "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), ...)"

 protected:
  // Checks the window; call from the subclass constructor, where kind() is known.
  Pool2dLayer(Pair kernel, std::optional<Pair> stride, Pair padding);
  void check() const;
  virtual void pool_forward(const Pool2dDims& dims, const float* x, float* y) = 0;
  // Writes every element of dx.
  virtual void pool_backward(const Pool2dDims& dims, const float* dy, float* dx) = 0;

 private:
  Pool2dDims dims() const;  // of the last input

  Window2d window_;
  Shape input_shape_;
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
