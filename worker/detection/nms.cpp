#include "worker/detection/nms.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace hpsweep {
namespace {

// Greedy suppression; `competes(i, j)` says whether boxes i and j may suppress each other.
template <typename Competes>
std::vector<int64_t> suppress(std::span<const Box> boxes, std::span<const float> scores,
                              float iou_threshold, Competes competes) {
  if (boxes.size() != scores.size()) throw std::invalid_argument("nms needs one score per box");
  std::vector<int64_t> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  std::vector<bool> suppressed(boxes.size(), false);
  std::vector<int64_t> kept;
  for (size_t k = 0; k < order.size(); ++k) {
    const int64_t i = order[k];
    if (suppressed[i]) continue;
    kept.push_back(i);
    for (size_t l = k + 1; l < order.size(); ++l) {
      const int64_t j = order[l];
      if (!suppressed[j] && competes(i, j) && iou(boxes[i], boxes[j]) > iou_threshold)
        suppressed[j] = true;
    }
  }
  return kept;
}

}  // namespace

std::vector<int64_t> nms(std::span<const Box> boxes, std::span<const float> scores,
                         float iou_threshold) {
  return suppress(boxes, scores, iou_threshold, [](int64_t, int64_t) { return true; });
}

std::vector<int64_t> nms_per_class(std::span<const Box> boxes, std::span<const float> scores,
                                   std::span<const int64_t> classes, float iou_threshold) {
  if (classes.size() != boxes.size())
    throw std::invalid_argument("nms_per_class needs one class per box");
  return suppress(boxes, scores, iou_threshold,
                  [&](int64_t i, int64_t j) { return classes[i] == classes[j]; });
}

}  // namespace hpsweep
