#include "worker/detection/anchors.h"

#include <cmath>
#include <stdexcept>

namespace hpsweep {

int64_t anchors_per_pixel(int64_t sizes, int64_t ratios) {
  return sizes + ratios - 1;
}

std::vector<Box> multibox_prior(int64_t height, int64_t width, std::span<const float> sizes,
                                std::span<const float> ratios) {
  if (height < 1 || width < 1 || sizes.empty() || ratios.empty())
    throw std::invalid_argument("multibox_prior needs a non-empty map, sizes and ratios");
  // Half widths and heights of one pixel's anchors, in float32 in d2l's order of operations.
  std::vector<float> half_w, half_h;
  auto add = [&](float size, float ratio) {
    const float root = std::sqrt(ratio);
    half_w.push_back(size * root * static_cast<float>(height) / static_cast<float>(width) / 2);
    half_h.push_back(size / root / 2);
  };
  for (float size : sizes) add(size, ratios[0]);
  for (size_t r = 1; r < ratios.size(); ++r) add(sizes[0], ratios[r]);

  const auto step_y = static_cast<float>(1.0 / static_cast<double>(height));
  const auto step_x = static_cast<float>(1.0 / static_cast<double>(width));
  std::vector<Box> anchors;
  anchors.reserve(height * width * half_w.size());
  for (int64_t i = 0; i < height; ++i)
    for (int64_t j = 0; j < width; ++j) {
      const float cy = (static_cast<float>(i) + 0.5f) * step_y;
      const float cx = (static_cast<float>(j) + 0.5f) * step_x;
      for (size_t k = 0; k < half_w.size(); ++k)
        anchors.push_back({cx - half_w[k], cy - half_h[k], cx + half_w[k], cy + half_h[k]});
    }
  return anchors;
}

}  // namespace hpsweep
