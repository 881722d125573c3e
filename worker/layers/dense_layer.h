// Fully connected layer (PyTorch nn.Linear): [B, in] -> [B, out], weight [out, in].
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class DenseLayer : public Layer {
 public:
  DenseLayer(int64_t in, int64_t out);
  std::string kind() const override { return "Linear"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

  int64_t in() const { return in_; }
  int64_t out() const { return out_; }

 private:
  int64_t in_, out_;
  Parameter weight_, bias_;
  Tensor input_;  // view of the last input (no copy)
  Tensor output_, input_grad_;
};

}  // namespace hpsweep
