#include "worker/detection/box_offsets.h"

#include <cmath>

namespace hpsweep {
namespace {

// 1 / 0.1 and 1 / 0.2, multiplied as d2l multiplies (10 * ..., 5 * ...).
constexpr float kCenterScale = 10;
constexpr float kSizeScale = 5;
constexpr float kLogEps = 1e-6f;

}  // namespace

BoxOffsets box_offsets(const Box& anchor, const Box& box) {
  const CenterBox a = to_center(anchor), b = to_center(box);
  return {kCenterScale * (b.cx - a.cx) / a.w, kCenterScale * (b.cy - a.cy) / a.h,
          kSizeScale * std::log(kLogEps + b.w / a.w), kSizeScale * std::log(kLogEps + b.h / a.h)};
}

Box apply_offsets(const Box& anchor, const BoxOffsets& offsets) {
  const CenterBox a = to_center(anchor);
  return to_corners({offsets[0] * a.w / kCenterScale + a.cx, offsets[1] * a.h / kCenterScale + a.cy,
                     std::exp(offsets[2] / kSizeScale) * a.w,
                     std::exp(offsets[3] / kSizeScale) * a.h});
}

}  // namespace hpsweep
