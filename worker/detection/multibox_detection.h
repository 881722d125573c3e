// Detections from an SSD's outputs, as d2l's multibox_detection (MultiBoxDetection, 13.4):
// each anchor's box is its predicted offsets applied (apply_offsets), its class the object
// class of highest probability (background excluded; the first on ties) and its score that
// probability; non-maximum suppression then keeps some, and the rest are marked -1.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/detection/box.h"

namespace hpsweep {

enum class NmsScope {
  all_classes,  // d2l: any box suppresses any other, whatever their classes
  per_class,    // a box only suppresses boxes of its own class (torchvision's batched_nms)
};

struct DetectionOptions {
  float nms_threshold = 0.5f;
  // Kept anchors whose score is below this are marked background too (d2l's pos_threshold).
  float pos_threshold = 0.009999999f;
  NmsScope nms_scope = NmsScope::all_classes;
};

// One row of d2l's output [class, score, x1, y1, x2, y2]. class_id counts object classes from
// 0 (background is not a class here); -1 marks background: suppressed, or below
// pos_threshold, in which case the score is 1 - score (the background's share, as d2l).
struct Detection {
  int64_t class_id;
  float score;
  Box box;
};

// One image. class_probs is [classes + 1, anchors], class-major with background first (d2l's
// cls_probs[i], softmax over the classes already taken); offsets is [anchors * 4]. Returns one
// row per anchor: the kept anchors by descending score, then the others by anchor index.
std::vector<Detection> multibox_detection(std::span<const float> class_probs,
                                          std::span<const float> offsets,
                                          std::span<const Box> anchors,
                                          const DetectionOptions& options = {});

// The rows that are objects (class_id >= 0), in order.
std::vector<Detection> objects_only(std::span<const Detection> detections);

}  // namespace hpsweep
