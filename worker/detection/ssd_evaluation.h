// A detector's pass over a detection set in evaluation mode (d2l 14.7's predict, on every
// image): the loss and the book's metrics against the anchors' targets, and the images'
// detections (MultiBoxDetection with per-class NMS at 0.5, background and scores below 0.01
// dropped) scored by mAP against the images' objects.
#pragma once

#include <atomic>
#include <span>
#include <vector>

#include "worker/data/dataset.h"
#include "worker/detection/anchor_labels.h"
#include "worker/detection/average_precision.h"
#include "worker/model.h"

namespace hpsweep {

// Objects with boxes in normalized coordinates (fractions of the canvas side `size`), the form
// the anchors and the loss use.
std::vector<LabeledBox> normalized_boxes(std::span<const DetectionObject> objects, int64_t size);
// Each sample's objects so (canvases are square).
std::vector<std::vector<LabeledBox>> normalized_objects(const Dataset& set);

struct DetectionEvaluation {
  double loss = 0, class_error = 0, box_mae = 0;  // means as the epoch curves hold them
  double map50 = 0, map50_95 = 0;
  std::vector<ScoredBox> detections;  // every image's, image by image
};

// Runs `model` (a tiny-ssd) over all of `set`: every rank of a group does the whole pass, so
// the mAP sees every image's detections. `stop` as in run_trial.
DetectionEvaluation evaluate_detector(Model& model, const Dataset& set,
                                      const std::atomic<bool>* stop);

}  // namespace hpsweep
