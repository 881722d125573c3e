// The offsets an SSD predicts for an anchor, as d2l's offset_boxes and offset_inverse (13.4):
// with anchor A and box B in center form,
//   ((xB - xA) / wA / 0.1, (yB - yA) / hA / 0.1, log(eps + wB / wA) / 0.2, log(eps + hB / hA) /
//   0.2)
// i.e. d2l's means 0 and standard deviations 0.1 for the center, 0.2 for the log sizes; the
// eps = 1e-6 keeps the log finite for background anchors, whose offsets are masked anyway.
#pragma once

#include <array>

#include "worker/detection/box.h"

namespace hpsweep {

using BoxOffsets = std::array<float, 4>;  // (x, y, w, h)

// B relative to A (labeling: offset_boxes).
BoxOffsets box_offsets(const Box& anchor, const Box& box);

// The box that `offsets` predict for the anchor (detection: offset_inverse). It inverts
// box_offsets up to the eps: the sizes come back as exp(offset / 5) * anchor size.
Box apply_offsets(const Box& anchor, const BoxOffsets& offsets);

}  // namespace hpsweep
