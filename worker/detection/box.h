// Bounding boxes as d2l writes them (13.3): corners (x1, y1) upper-left and (x2, y2)
// lower-right, or center (cx, cy) with width and height. Coordinates are whatever the caller
// uses (pixels, or fractions of the image as anchors are); x grows rightwards, y downwards.
// Arithmetic is float32 in the order d2l and torchvision use, so results agree to the bit.
#pragma once

#include <span>
#include <vector>

namespace hpsweep {

struct Box {
  float x1, y1, x2, y2;
};

struct CenterBox {
  float cx, cy, w, h;
};

// d2l's box_corner_to_center / box_center_to_corner (torchvision box_convert xyxy <-> cxcywh).
CenterBox to_center(const Box& box);
Box to_corners(const CenterBox& box);

// Width times height; negative for a box whose corners are swapped.
float area(const Box& box);

// Intersection over union (the Jaccard index). NaN when both boxes have no area.
float iou(const Box& a, const Box& b);

// All pairs, row-major [a.size(), b.size()]: d2l's box_iou, torchvision.ops.box_iou.
std::vector<float> iou_matrix(std::span<const Box> a, std::span<const Box> b);

}  // namespace hpsweep
