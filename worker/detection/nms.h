// Non-maximum suppression (d2l 13.4's nms, torchvision.ops.nms and batched_nms): boxes in
// order of descending score (the lower index first on equal scores) are kept unless their
// IoU with an already kept box exceeds iou_threshold.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/detection/box.h"

namespace hpsweep {

// Indices of the kept boxes, by descending score. Every box competes with every other.
std::vector<int64_t> nms(std::span<const Box> boxes, std::span<const float> scores,
                         float iou_threshold);

// The same, but a box only suppresses boxes of its own class (torchvision's batched_nms).
std::vector<int64_t> nms_per_class(std::span<const Box> boxes, std::span<const float> scores,
                                   std::span<const int64_t> classes, float iou_threshold);

}  // namespace hpsweep
