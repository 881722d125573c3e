// Random augmentation of training images, as torchvision's RandomCrop(size, padding) followed
// by RandomHorizontalFlip(0.5): the image is padded with `padding` zeros on each side, cropped
// back to its size at a random offset, then mirrored left-right with probability 1/2.
// A sample's draw is a hash of (trial seed, epoch, global sample id) only, like a dropout mask,
// so the same sample is augmented the same way whichever rank or batch row trains it.
#pragma once

#include <cstdint>

namespace hpsweep {

struct AugmentOptions {
  bool flip = false;
  int64_t crop_padding = 0;

  bool active() const { return flip || crop_padding > 0; }
};

struct AugmentDraw {
  bool flip = false;
  int64_t crop_y = 0, crop_x = 0;  // the crop's corner in the padded image, 0..2 * padding
};

AugmentDraw draw_augmentation(const AugmentOptions& options, uint64_t seed, int64_t epoch,
                              int64_t sample_id);

// in, out [channels, height, width], not overlapping.
void augment_image(const float* in, float* out, int64_t channels, int64_t height, int64_t width,
                   int64_t padding, const AugmentDraw& draw);

}  // namespace hpsweep
