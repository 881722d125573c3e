// Mean average precision of detections over a set of images, as PASCAL VOC (2010 on) scores
// it: per class, detections by descending score (the earlier one first on ties) are true
// positives when their IoU with a ground-truth box of the same image and class not yet matched
// is the largest of that image's boxes of the class and at least the threshold, else false
// positives; AP is the area under the all-point interpolated precision-recall curve (precision
// at recall r is the largest precision at any recall >= r). mAP averages AP over the classes
// that have ground-truth boxes (a class without detections scores 0); COCO's mAP@0.5:0.95
// averages mAP over the thresholds 0.5, 0.55, ..., 0.95.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "worker/detection/box.h"

namespace hpsweep {

struct ScoredBox {
  int64_t image, class_id;
  float score;
  Box box;
};

struct TruthBox {
  int64_t image, class_id;
  Box box;
};

// AP of one class: `detections` and `truth` of that class only. NaN without truth boxes.
double average_precision(std::span<const ScoredBox> detections, std::span<const TruthBox> truth,
                         double iou_threshold);

// mAP over the classes of `truth`; NaN when there is none.
double mean_average_precision(std::span<const ScoredBox> detections,
                              std::span<const TruthBox> truth, double iou_threshold);

// The mean of mean_average_precision at 0.5, 0.55, ..., 0.95.
double mean_average_precision_50_95(std::span<const ScoredBox> detections,
                                    std::span<const TruthBox> truth);

}  // namespace hpsweep
