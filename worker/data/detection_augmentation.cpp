#include "worker/data/detection_augmentation.h"

#include <algorithm>
#include <optional>

namespace hpsweep {
namespace {

// The tight box of the canvas's non-zero pixels inside `box` (integer pixel corners), or
// nothing when it holds none.
std::optional<Box> lit_box_within(const Box& box, const float* canvas, int64_t size) {
  const auto x1 = static_cast<int64_t>(box.x1), x2 = static_cast<int64_t>(box.x2);
  const auto y1 = static_cast<int64_t>(box.y1), y2 = static_cast<int64_t>(box.y2);
  int64_t left = x2, right = x1 - 1, top = y2, bottom = y1 - 1;
  for (int64_t y = y1; y < y2; ++y)
    for (int64_t x = x1; x < x2; ++x)
      if (canvas[y * size + x] > 0.0f) {
        left = std::min(left, x);
        right = std::max(right, x);
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
  if (right < left) return std::nullopt;
  return Box{static_cast<float>(left), static_cast<float>(top), static_cast<float>(right + 1),
             static_cast<float>(bottom + 1)};
}

}  // namespace

std::vector<DetectionObject> augment_objects(std::span<const DetectionObject> objects,
                                             const float* canvas, int64_t size, int64_t padding,
                                             const AugmentDraw& draw) {
  // augment_image crops first (output pixel p shows input pixel p + d), then mirrors.
  const auto dx = static_cast<float>(draw.crop_x - padding);
  const auto dy = static_cast<float>(draw.crop_y - padding);
  const auto side = static_cast<float>(size);
  std::vector<DetectionObject> moved;
  for (const DetectionObject& o : objects) {
    const Box shifted{o.box.x1 - dx, o.box.y1 - dy, o.box.x2 - dx, o.box.y2 - dy};
    Box box{std::clamp(shifted.x1, 0.0f, side), std::clamp(shifted.y1, 0.0f, side),
            std::clamp(shifted.x2, 0.0f, side), std::clamp(shifted.y2, 0.0f, side)};
    if (draw.flip) box = Box{side - box.x2, box.y1, side - box.x1, box.y2};
    const bool cut =
        box.x2 - box.x1 != shifted.x2 - shifted.x1 || box.y2 - box.y1 != shifted.y2 - shifted.y1;
    if (!cut) {
      moved.push_back({o.label, o.source, box});
    } else if (box.x2 > box.x1 && box.y2 > box.y1) {
      // What is left of the object is somewhere in the clipped box: its lit pixels bound it
      // (other objects' pixels there may widen it, never shrink it past the object's own).
      if (const std::optional<Box> lit = lit_box_within(box, canvas, size))
        moved.push_back({o.label, o.source, *lit});
    }
  }
  return moved;
}

}  // namespace hpsweep
