#include "worker/detection/box.h"

#include <algorithm>

namespace hpsweep {

CenterBox to_center(const Box& b) {
  return {(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2, b.x2 - b.x1, b.y2 - b.y1};
}

Box to_corners(const CenterBox& b) {
  return {b.cx - 0.5f * b.w, b.cy - 0.5f * b.h, b.cx + 0.5f * b.w, b.cy + 0.5f * b.h};
}

float area(const Box& b) {
  return (b.x2 - b.x1) * (b.y2 - b.y1);
}

namespace {

// The areas are passed in so that iou_matrix computes each box's area once, as d2l does.
float iou_with_areas(const Box& a, float area_a, const Box& b, float area_b) {
  const float w = std::max(std::min(a.x2, b.x2) - std::max(a.x1, b.x1), 0.0f);
  const float h = std::max(std::min(a.y2, b.y2) - std::max(a.y1, b.y1), 0.0f);
  const float intersection = w * h;
  return intersection / (area_a + area_b - intersection);
}

}  // namespace

float iou(const Box& a, const Box& b) {
  return iou_with_areas(a, area(a), b, area(b));
}

std::vector<float> iou_matrix(std::span<const Box> a, std::span<const Box> b) {
  std::vector<float> areas_b(b.size());
  std::transform(b.begin(), b.end(), areas_b.begin(), area);
  std::vector<float> result(a.size() * b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const float area_a = area(a[i]);
    for (size_t j = 0; j < b.size(); ++j)
      result[i * b.size() + j] = iou_with_areas(a[i], area_a, b[j], areas_b[j]);
  }
  return result;
}

}  // namespace hpsweep
