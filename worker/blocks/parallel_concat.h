// Parallel branches on one input, concatenated along the channel axis: GoogLeNet's Inception
// block (d2l 8.4) is four such branches. Backward slices the output gradient per branch and
// sums the branches' input gradients.
#pragma once

#include <memory>
#include <vector>

#include "worker/layers/layer.h"

namespace hpsweep {

// One layer of a branch. Named layers are the block's children, under the attribute names of
// the book's class ("p2_1"), so parameter names match its state_dict; an unnamed layer is a
// functional step of the book's forward (F.relu), which holds no state.
struct BranchLayer {
  std::string name;
  std::unique_ptr<Layer> layer;
};
using Branch = std::vector<BranchLayer>;  // applied in turn

class ParallelConcat : public Layer {
 public:
  ParallelConcat(std::string kind, std::vector<Branch> branches);
  std::string kind() const override { return kind_; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  std::string kind_;
  std::vector<Branch> branches_;
  std::vector<int64_t> channels_;  // of each branch's last output
  Tensor output_, branch_grad_, input_grad_;
};

// The book's Inception class: p1_1 a 1x1 conv (c1); p2_1 a 1x1 conv (c2[0]), p2_2 a 3x3
// (c2[1]); p3_1 a 1x1 (c3[0]), p3_2 a 5x5 (c3[1]); p4_1 a 3x3 max pool, p4_2 a 1x1 (c4); a
// ReLU after every conv.
std::unique_ptr<ParallelConcat> inception_block(int64_t in, int64_t c1,
                                                std::pair<int64_t, int64_t> c2,
                                                std::pair<int64_t, int64_t> c3, int64_t c4);

}  // namespace hpsweep
