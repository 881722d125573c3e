// Max pooling (PyTorch nn.MaxPool2d, no dilation, floor mode): [B, C, H, W] -> [B, C, Ho, Wo],
// padding reads as -inf. The stride defaults to the kernel size, as in PyTorch.
#pragma once

#include <optional>

#include "worker/kernels/pooling.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class MaxPool2dLayer : public Layer {
 public:
  explicit MaxPool2dLayer(Pair kernel, std::optional<Pair> stride = std::nullopt, Pair padding = 0);
  std::string kind() const override { return "MaxPool2d"; }
  std::string description() const;  // "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), ...)"
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;

 private:
  Pool2dDims dims() const;  // of the last input

  Window2d window_;
  Shape input_shape_;
  std::vector<int32_t> argmax_;  // per output, the index of its maximum within its input plane
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
