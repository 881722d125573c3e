// 2-D convolution (PyTorch nn.Conv2d, no dilation or groups): [B, C, H, W] -> [B, O, Ho, Wo],
// weight [O, C, kh, kw], bias [O]. Arguments in PyTorch's order.
#pragma once

#include "worker/kernels/conv2d.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class Conv2dLayer : public Layer {
 public:
  Conv2dLayer(int64_t in_channels, int64_t out_channels, Pair kernel, Pair stride = 1,
              Pair padding = 0);
  std::string kind() const override { return "Conv2d"; }
  // "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))", as PyTorch prints it.
  std::string description() const;
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  Conv2dDims dims(const Shape& input) const;

  int64_t in_, out_;
  Window2d window_;
  Parameter weight_, bias_;
  Tensor input_;  // view of the last input (no copy)
  Tensor output_, input_grad_, workspace_;
};

}  // namespace hpsweep
