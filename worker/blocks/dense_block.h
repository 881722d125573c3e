// DenseNet's blocks (d2l 8.7). A dense block applies conv blocks (BN, ReLU, 3x3 conv with
// `growth` output channels) one after another, each to the concatenation of the block's input
// and every earlier conv block's output: X_{i+1} = concat(X_i, conv_block_i(X_i)). Children
// are "0", "1", ... (each a Sequential of BN, ReLU, Conv2d).
#pragma once

#include <memory>
#include <vector>

#include "worker/blocks/sequential_block.h"

namespace hpsweep {

class DenseBlock : public Layer {
 public:
  DenseBlock(int64_t in_channels, int64_t convs, int64_t growth);
  std::string kind() const override { return "DenseBlock"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

  int64_t out_channels() const;

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  int64_t in_channels_, growth_;
  std::unique_ptr<SequentialBlock> net_;  // the conv blocks
  std::vector<Tensor> features_;          // X_1 .. X_n (X_0 is the input)
  const Tensor* input_ = nullptr;
  Tensor grad_, earlier_grad_, new_grad_;
};

// The transition layer: BN, ReLU, 1x1 conv to `out` channels, 2x2 average pool (stride 2).
std::unique_ptr<SequentialBlock> transition_block(int64_t in, int64_t out);

}  // namespace hpsweep
