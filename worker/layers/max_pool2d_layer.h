// Max pooling (PyTorch nn.MaxPool2d): padding reads as -inf; the gradient goes to each
// window's maximum.
#pragma once

#include <vector>

#include "worker/layers/pool2d_layer.h"

namespace hpsweep {

class MaxPool2dLayer : public Pool2dLayer {
 public:
  explicit MaxPool2dLayer(Pair kernel, std::optional<Pair> stride = std::nullopt, Pair padding = 0)
      : Pool2dLayer(kernel, stride, padding) {
    check();
  }
  std::string kind() const override { return "MaxPool2d"; }

 private:
  void pool_forward(const Pool2dDims& dims, const float* x, float* y) override {
    argmax_.resize(dims.planes * dims.window.out_height(dims.height) *
                   dims.window.out_width(dims.width));
    max_pool2d_forward(dims, x, y, argmax_.data());
  }
  void pool_backward(const Pool2dDims& dims, const float* dy, float* dx) override {
    max_pool2d_backward(dims, argmax_.data(), dy, dx);
  }

  std::vector<int32_t> argmax_;  // per output, the index of its maximum within its input plane
};

}  // namespace hpsweep
