// Augmentation of a detection canvas's objects: the boxes follow the pixels that augment_image
// moves (worker/data/augmentation.h; docs/detection.md, "Augmentation"). A box the crop leaves
// whole is shifted (and mirrored), so it stays the tight box of its object's pixels; a box the
// crop cuts is clipped to the canvas and shrunk to the lit pixels inside it, or dropped when
// none are left.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/data/augmentation.h"
#include "worker/data/dataset.h"

namespace hpsweep {

// `objects` of a canvas of side `size`, moved as augment_image(in, canvas, 1, size, size,
// padding, draw) moved its pixels; `canvas` [size, size] is that augmented image.
std::vector<DetectionObject> augment_objects(std::span<const DetectionObject> objects,
                                             const float* canvas, int64_t size, int64_t padding,
                                             const AugmentDraw& draw);

}  // namespace hpsweep
