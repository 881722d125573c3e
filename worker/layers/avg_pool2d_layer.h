// Average pooling (PyTorch nn.AvgPool2d, floor mode): [B, C, H, W] -> [B, C, Ho, Wo], padding
// zeros count in the divisor (count_include_pad=True). The stride defaults to the kernel size.
#pragma once

#include <optional>

#include "worker/kernels/pooling.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class AvgPool2dLayer : public Layer {
 public:
  explicit AvgPool2dLayer(Pair kernel, std::optional<Pair> stride = std::nullopt, Pair padding = 0);
  std::string kind() const override { return "AvgPool2d"; }
  std::string description() const;  // "AvgPool2d(kernel_size=(2, 2), stride=(2, 2), ...)"
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;

 private:
  Pool2dDims dims() const;  // of the last input

  Window2d window_;
  Shape input_shape_;
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
