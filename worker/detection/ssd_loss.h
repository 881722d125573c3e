// The SSD's loss, d2l 14.7's calc_loss: per image, the mean softmax cross-entropy over its
// anchors' classes plus the mean absolute error of its masked offsets (over anchors * 4
// values), with the targets of multibox_target (anchor_labels.h). The per-image losses are
// returned summed, so that dividing by the global batch gives the book's l.mean() and the
// ranks of a data-parallel group combine by summing. The book's printed metrics come along:
// anchors whose arg-max class is wrong, and the sum of |target - prediction| * mask.
#pragma once

#include <span>
#include <vector>

#include "common/tensor.h"
#include "worker/detection/anchor_labels.h"
#include "worker/detection/box.h"

namespace hpsweep {

struct SsdLossSums {
  double loss = 0;          // summed over images
  double class_errors = 0;  // anchors, over all images
  double box_abs = 0;       // summed over all images' anchors * 4 masked offsets
};

class SsdLoss {
 public:
  SsdLoss(std::vector<Box> anchors, int64_t classes)
      : anchors_(std::move(anchors)), classes_(classes) {}
  // outputs [B, A * (classes + 1) + A * 4] (worker/models/tiny_ssd.h); truth[b] holds image
  // b's objects in normalized coordinates. Keeps what backward needs.
  SsdLossSums forward(const Tensor& outputs, std::span<const std::vector<LabeledBox>> truth);
  // d (sum of the per-image losses * scale) / d outputs for the last forward pass.
  void backward(float scale, Tensor& gradient) const;
  // The targets of the last forward pass, per image.
  const std::vector<AnchorTargets>& targets() const { return targets_; }

 private:
  std::vector<Box> anchors_;
  int64_t classes_;
  std::vector<AnchorTargets> targets_;
  std::vector<int32_t> labels_;  // [B * A]
  Tensor probabilities_, outputs_;
};

}  // namespace hpsweep
