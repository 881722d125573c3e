#include "worker/data/detection_canvas.h"

#include <algorithm>

#include "common/error.h"
#include "common/rng.h"
#include "worker/data/resize.h"

namespace hpsweep {
namespace {

constexpr uint64_t kCanvasStream = 0x64657463;  // "detc"
constexpr int64_t kMaxBlankDraws = 1000;

// The item resized to side x side, and where its non-zero pixels lie within it.
struct ResizedItem {
  std::vector<float> pixels;
  int64_t first_row = -1, last_row = -1, first_col = -1, last_col = -1;  // -1: all zero
};

ResizedItem resize_item(const Dataset& items, int64_t source, int64_t side) {
  const Shape shape = items.sample_shape();
  const int64_t height = shape[1], width = shape[2];
  ResizedItem item;
  item.pixels.resize(side * side);
  BilinearResize(height, width, side, side)
      .apply(items.inputs.data() + source * height * width, item.pixels.data(), 1);
  for (int64_t r = 0; r < side; ++r)
    for (int64_t c = 0; c < side; ++c) {
      if (item.pixels[r * side + c] <= 0) continue;
      if (item.first_row < 0) item.first_row = r;
      item.last_row = r;
      item.first_col = item.first_col < 0 ? c : std::min(item.first_col, c);
      item.last_col = std::max(item.last_col, c);
    }
  return item;
}

}  // namespace

CanvasRules canvas_rules(const DatasetConfig& config) {
  return {config.input_size > 0 ? config.input_size : kDefaultCanvasSize,
          config.max_objects > 0 ? config.max_objects : kDefaultDetectionObjects};
}

Canvas draw_canvas(const Dataset& items, uint64_t seed, CanvasSplit split, int64_t index,
                   const CanvasRules& rules) {
  const int64_t size = rules.size, lo = size / 4, hi = size / 2;
  if (items.size() == 0) throw UserError("fmnist-detection: no source images to paste");
  Rng rng(counter_hash(
      {seed, kCanvasStream, static_cast<uint64_t>(split), static_cast<uint64_t>(index)}));
  Canvas canvas{std::vector<float>(size * size, 0.0f), {}};
  const uint64_t count = 1 + rng.below(static_cast<uint64_t>(rules.max_objects));
  int64_t blank_draws = 0;  // in a row: a source of blank images would loop for ever
  while (canvas.objects.size() < count) {
    const auto source = static_cast<int64_t>(rng.below(static_cast<uint64_t>(items.size())));
    const int64_t side = lo + static_cast<int64_t>(rng.below(static_cast<uint64_t>(hi - lo + 1)));
    const auto x = static_cast<int64_t>(rng.below(static_cast<uint64_t>(size - side + 1)));
    const auto y = static_cast<int64_t>(rng.below(static_cast<uint64_t>(size - side + 1)));
    const ResizedItem item = resize_item(items, source, side);
    // An item with nothing left to see (a thin item at a small side) would be an object no
    // detector can find: these draws are dropped and the object drawn again.
    if (item.first_row < 0) {
      if (++blank_draws == kMaxBlankDraws)
        throw UserError("fmnist-detection: " + std::to_string(kMaxBlankDraws) +
                        " items in a row are blank at canvas size " + std::to_string(size));
      continue;
    }
    blank_draws = 0;
    // Overlapping items combine by the brighter pixel, so every item stays wholly visible
    // wherever it is non-zero, and its box is exact.
    for (int64_t r = 0; r < side; ++r)
      for (int64_t c = 0; c < side; ++c) {
        float& pixel = canvas.pixels[(y + r) * size + x + c];
        pixel = std::max(pixel, item.pixels[r * side + c]);
      }
    const Box box{static_cast<float>(x + item.first_col), static_cast<float>(y + item.first_row),
                  static_cast<float>(x + item.last_col + 1),
                  static_cast<float>(y + item.last_row + 1)};
    canvas.objects.push_back({items.labels[source], source, box});
  }
  return canvas;
}

}  // namespace hpsweep
