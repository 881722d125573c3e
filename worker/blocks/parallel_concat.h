// Parallel branches on one input, concatenated along the channel axis: GoogLeNet's Inception
// block (d2l 8.4) is four such branches. Backward slices the output gradient per branch and
// sums the branches' input gradients.
#pragma once

#include <memory>
#include <vector>

#include "worker/layers/layer.h"

namespace hpsweep {

struct NamedBranch {
  std::string name;  // "p1"
  std::unique_ptr<Layer> layer;
};

class ParallelConcat : public Layer {
 public:
  ParallelConcat(std::string kind, std::vector<NamedBranch> branches);
  std::string kind() const override { return kind_; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  std::string kind_;
  std::vector<NamedBranch> branches_;
  std::vector<int64_t> channels_;  // of each branch's last output
  Tensor output_, branch_grad_, input_grad_;
};

// d2l's Inception block: branch 1 a 1x1 conv (c1); branch 2 a 1x1 conv (c2[0]) then a 3x3
// (c2[1]); branch 3 a 1x1 (c3[0]) then a 5x5 (c3[1]); branch 4 a 3x3 max pool then a 1x1
// (c4); every conv followed by ReLU.
std::unique_ptr<ParallelConcat> inception_block(int64_t in, int64_t c1,
                                                std::pair<int64_t, int64_t> c2,
                                                std::pair<int64_t, int64_t> c3, int64_t c4);

}  // namespace hpsweep
