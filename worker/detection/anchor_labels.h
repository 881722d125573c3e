// Labeling anchors for training, as d2l's assign_anchor_to_bbox and multibox_target
// (MultiBoxTarget, 13.4): each anchor gets a class (0 = background, object class c becomes
// c + 1), the offsets of its assigned ground-truth box (box_offsets.h) and a mask that is 1
// for the offsets of object anchors and 0 for background ones.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/detection/box.h"

namespace hpsweep {

// One ground-truth object: its class, counted from 0, and its box.
struct LabeledBox {
  int64_t class_id;
  Box box;
};

// For each anchor, the index of the ground-truth box assigned to it, or -1. First every
// anchor whose best IoU (first box on ties) is >= iou_threshold gets that box; then, once per
// ground-truth box, the largest IoU left in the anchors x boxes matrix (first in row-major
// order on ties) assigns its box to its anchor, overriding the threshold pass, and that
// anchor's row and box's column leave the matrix. Every box thus gets at least one anchor,
// even one it does not overlap. With fewer anchors than boxes the greedy pass stops when the
// anchors run out (d2l would then reassign anchor 0).
std::vector<int64_t> assign_boxes_to_anchors(std::span<const Box> anchors,
                                             std::span<const Box> truth,
                                             float iou_threshold = 0.5f);

// Per image, d2l's multibox_target layout: offsets and mask [anchors * 4], class labels
// [anchors]. Background anchors have offsets 0.
struct AnchorTargets {
  std::vector<float> offsets;
  std::vector<float> mask;
  std::vector<int64_t> class_labels;
};

// `truth` holds the image's objects only: drop the padding rows of a padded batch first.
AnchorTargets multibox_target(std::span<const Box> anchors, std::span<const LabeledBox> truth,
                              float iou_threshold = 0.5f);

}  // namespace hpsweep
