#include "worker/data/augmentation.h"

#include <algorithm>

#include "common/rng.h"

namespace hpsweep {
namespace {

constexpr uint64_t kAugmentStream = 0x6175676d;  // "augm"

}  // namespace

AugmentDraw draw_augmentation(const AugmentOptions& options, uint64_t seed, int64_t epoch,
                              int64_t sample_id) {
  Rng rng(counter_hash(
      {seed, kAugmentStream, static_cast<uint64_t>(epoch), static_cast<uint64_t>(sample_id)}));
  // Every draw is taken whatever the options, so enabling the crop leaves the flips unchanged.
  const bool flip = rng.next_u64() >> 63;
  const auto positions = static_cast<uint64_t>(2 * options.crop_padding + 1);
  const auto crop_y = static_cast<int64_t>(rng.below(positions));
  const auto crop_x = static_cast<int64_t>(rng.below(positions));
  return {options.flip && flip, crop_y, crop_x};
}

void augment_image(const float* in, float* out, int64_t channels, int64_t height, int64_t width,
                   int64_t padding, const AugmentDraw& draw) {
  const int64_t dy = draw.crop_y - padding, dx = draw.crop_x - padding;
  // Output column x reads input column x + dx, or width - 1 - x + dx when flipped; [begin, end)
  // are the columns whose source lies inside the image, the rest is padding.
  const int64_t begin = std::clamp<int64_t>(draw.flip ? dx : -dx, 0, width);
  const int64_t end = std::clamp<int64_t>(draw.flip ? width + dx : width - dx, begin, width);
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t y = 0; y < height; ++y) {
      float* row = out + (c * height + y) * width;
      const int64_t source_y = y + dy;
      if (source_y < 0 || source_y >= height) {
        std::fill(row, row + width, 0.0f);
        continue;
      }
      const float* source = in + (c * height + source_y) * width;
      std::fill(row, row + begin, 0.0f);
      if (draw.flip) {
        for (int64_t x = begin; x < end; ++x) row[x] = source[width - 1 - x + dx];
      } else {
        std::copy(source + begin + dx, source + end + dx, row + begin);
      }
      std::fill(row + end, row + width, 0.0f);
    }
  }
}

}  // namespace hpsweep
