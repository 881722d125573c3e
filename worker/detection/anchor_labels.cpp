#include "worker/detection/anchor_labels.h"

#include <algorithm>

#include "worker/detection/box_offsets.h"

namespace hpsweep {

std::vector<int64_t> assign_boxes_to_anchors(std::span<const Box> anchors,
                                             std::span<const Box> truth, float iou_threshold) {
  const auto num_anchors = static_cast<int64_t>(anchors.size());
  const auto num_boxes = static_cast<int64_t>(truth.size());
  std::vector<int64_t> assigned(num_anchors, -1);
  if (num_boxes == 0) return assigned;
  std::vector<float> jaccard = iou_matrix(anchors, truth);

  for (int64_t i = 0; i < num_anchors; ++i) {
    const float* row = &jaccard[i * num_boxes];
    const int64_t best = std::max_element(row, row + num_boxes) - row;
    if (row[best] >= iou_threshold) assigned[i] = best;
  }

  // IoUs are >= 0, so -1 marks a discarded entry, as in d2l.
  constexpr float kDiscarded = -1;
  for (int64_t round = 0; round < std::min(num_anchors, num_boxes); ++round) {
    const int64_t at = std::max_element(jaccard.begin(), jaccard.end()) - jaccard.begin();
    const int64_t anchor = at / num_boxes, box = at % num_boxes;
    assigned[anchor] = box;
    for (int64_t i = 0; i < num_anchors; ++i) jaccard[i * num_boxes + box] = kDiscarded;
    std::fill_n(&jaccard[anchor * num_boxes], num_boxes, kDiscarded);
  }
  return assigned;
}

AnchorTargets multibox_target(std::span<const Box> anchors, std::span<const LabeledBox> truth,
                              float iou_threshold) {
  std::vector<Box> truth_boxes(truth.size());
  std::transform(truth.begin(), truth.end(), truth_boxes.begin(),
                 [](const LabeledBox& object) { return object.box; });
  const std::vector<int64_t> assigned =
      assign_boxes_to_anchors(anchors, truth_boxes, iou_threshold);

  AnchorTargets targets{std::vector<float>(anchors.size() * 4, 0.0f),
                        std::vector<float>(anchors.size() * 4, 0.0f),
                        std::vector<int64_t>(anchors.size(), 0)};
  for (size_t i = 0; i < anchors.size(); ++i) {
    if (assigned[i] < 0) continue;
    const LabeledBox& object = truth[assigned[i]];
    targets.class_labels[i] = object.class_id + 1;
    const BoxOffsets offsets = box_offsets(anchors[i], object.box);
    std::copy(offsets.begin(), offsets.end(), &targets.offsets[i * 4]);
    std::fill_n(&targets.mask[i * 4], 4, 1.0f);
  }
  return targets;
}

}  // namespace hpsweep
