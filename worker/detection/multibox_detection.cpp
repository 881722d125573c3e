#include "worker/detection/multibox_detection.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "worker/detection/box_offsets.h"
#include "worker/detection/nms.h"

namespace hpsweep {

std::vector<Detection> multibox_detection(std::span<const float> class_probs,
                                          std::span<const float> offsets,
                                          std::span<const Box> anchors,
                                          const DetectionOptions& options) {
  const auto num_anchors = static_cast<int64_t>(anchors.size());
  if (num_anchors == 0) return {};
  if (offsets.size() != anchors.size() * 4 || class_probs.size() % anchors.size() != 0 ||
      class_probs.size() / anchors.size() < 2)
    throw std::invalid_argument(
        "multibox_detection needs [classes + 1, anchors] probabilities and [anchors * 4] offsets");
  const int64_t num_classes = static_cast<int64_t>(class_probs.size()) / num_anchors - 1;

  std::vector<Box> boxes(num_anchors);
  std::vector<float> scores(num_anchors);
  std::vector<int64_t> classes(num_anchors);
  for (int64_t a = 0; a < num_anchors; ++a) {
    boxes[a] = apply_offsets(
        anchors[a], {offsets[a * 4], offsets[a * 4 + 1], offsets[a * 4 + 2], offsets[a * 4 + 3]});
    // Row c + 1 holds object class c; the strict > keeps the first class on ties.
    scores[a] = class_probs[num_anchors + a];
    for (int64_t c = 1; c < num_classes; ++c)
      if (class_probs[(c + 1) * num_anchors + a] > scores[a]) {
        scores[a] = class_probs[(c + 1) * num_anchors + a];
        classes[a] = c;
      }
  }

  const std::vector<int64_t> kept =
      options.nms_scope == NmsScope::all_classes
          ? nms(boxes, scores, options.nms_threshold)
          : nms_per_class(boxes, scores, classes, options.nms_threshold);
  std::vector<bool> is_kept(num_anchors, false);
  for (int64_t a : kept) is_kept[a] = true;

  std::vector<Detection> rows;
  rows.reserve(num_anchors);
  for (int64_t a : kept) rows.push_back({classes[a], scores[a], boxes[a]});
  for (int64_t a = 0; a < num_anchors; ++a)
    if (!is_kept[a]) rows.push_back({-1, scores[a], boxes[a]});
  for (Detection& row : rows)
    if (row.score < options.pos_threshold) {
      row.class_id = -1;
      row.score = 1 - row.score;
    }
  return rows;
}

std::vector<Detection> objects_only(std::span<const Detection> detections) {
  std::vector<Detection> objects;
  std::copy_if(detections.begin(), detections.end(), std::back_inserter(objects),
               [](const Detection& d) { return d.class_id >= 0; });
  return objects;
}

}  // namespace hpsweep
