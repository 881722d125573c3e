// Average pooling (PyTorch nn.AvgPool2d, count_include_pad=True): padding counts in the
// divisor.
#pragma once

#include "worker/layers/pool2d_layer.h"

namespace hpsweep {

class AvgPool2dLayer : public Pool2dLayer {
 public:
  explicit AvgPool2dLayer(Pair kernel, std::optional<Pair> stride = std::nullopt, Pair padding = 0)
      : Pool2dLayer(kernel, stride, padding) {
    check();
  }
  std::string kind() const override { return "AvgPool2d"; }

 private:
  void pool_forward(const Pool2dDims& dims, const float* x, float* y) override {
    avg_pool2d_forward(dims, x, y);
  }
  void pool_backward(const Pool2dDims& dims, const float* dy, float* dx) override {
    avg_pool2d_backward(dims, dy, dx);
  }
};

}  // namespace hpsweep
