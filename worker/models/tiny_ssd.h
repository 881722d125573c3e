// tiny-ssd's builder (common/models/tiny_ssd.h has its plan): d2l 14.7's TinySSD as one block
// whose children are the book's attributes blk_i, cls_i and bbox_i, so its parameters carry
// the state_dict's names ("blk_0.0.0.weight", "cls_4.bias"). A detector has two outputs per
// anchor; the block writes them as one row per image, [A * (classes + 1) + A * 4]: the class
// logits of every anchor (anchor-major, background first), then its four offsets, each part
// concatenated over the scales in the book's flatten_pred order (per scale, the predictor's
// NCHW output permuted to NHWC), so row a of the class part belongs to anchor a of anchors().
#pragma once

#include <memory>
#include <vector>

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/detection/box.h"
#include "worker/layers/layer.h"
#include "worker/model.h"

namespace hpsweep {

class TinySsd : public Layer {
 public:
  // Images [channels, side, side]; throws UserError when a scale's map would vanish.
  TinySsd(const ModelConfig& config, const Shape& sample_shape, int64_t classes);
  std::string kind() const override { return "TinySSD"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

  int64_t classes() const { return classes_; }  // object classes, background not counted
  // Every scale's anchors (MultiBoxPrior, normalized coordinates), concatenated.
  const std::vector<Box>& anchors() const { return anchors_; }
  // Each scale's feature map side (the anchors per scale are side^2 * anchors per pixel).
  const std::vector<int64_t>& scale_sides() const { return sides_; }

 private:
  struct Scale {
    std::unique_ptr<Layer> block, cls, bbox;
  };
  int64_t classes_, per_pixel_;
  std::vector<Scale> scales_;
  std::vector<int64_t> sides_;
  std::vector<Box> anchors_;
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  Tensor output_, part_grad_, feature_grad_;
};

Model build_tiny_ssd(const ModelConfig& config, const Shape& sample_shape, int64_t classes);
// A tiny-ssd model's block.
const TinySsd& tiny_ssd_block(const Model& model);

}  // namespace hpsweep
