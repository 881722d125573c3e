// Anchor boxes as d2l's multibox_prior (MultiBoxPrior, 13.4): n sizes s1..sn and m ratios
// r1..rm give n + m - 1 anchors centered on each pixel of an H x W feature map, in
// coordinates normalized to [0, 1] (fractions of the width and the height).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/detection/box.h"

namespace hpsweep {

int64_t anchors_per_pixel(int64_t sizes, int64_t ratios);

// Pixels in row-major order (y, then x), each with its anchors in d2l's order
// (s1, r1), (s2, r1), ..., (sn, r1), (s1, r2), ..., (s1, rm). Pixel (i, j) has center
// ((j + 0.5) / W, (i + 0.5) / H); anchor (s, r) has width s * sqrt(r) * H / W and height
// s / sqrt(r), so that on a non-square map it covers the same fraction s^2 of the image.
std::vector<Box> multibox_prior(int64_t height, int64_t width, std::span<const float> sizes,
                                std::span<const float> ratios);

}  // namespace hpsweep
