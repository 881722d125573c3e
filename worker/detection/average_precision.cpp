#include "worker/detection/average_precision.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "common/metrics.h"

namespace hpsweep {

double average_precision(std::span<const ScoredBox> detections, std::span<const TruthBox> truth,
                         double iou_threshold) {
  if (truth.empty()) return kNoValue;
  std::vector<size_t> order(detections.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return detections[a].score > detections[b].score; });
  std::map<int64_t, std::vector<size_t>> by_image;  // an image's few boxes, not all of them
  for (size_t t = 0; t < truth.size(); ++t) by_image[truth[t].image].push_back(t);
  std::vector<bool> matched(truth.size(), false);
  std::vector<double> recall, precision;
  double true_positives = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const ScoredBox& d = detections[order[rank]];
    double best = -1;
    size_t best_truth = truth.size();
    const auto boxes = by_image.find(d.image);
    if (boxes != by_image.end())
      for (size_t t : boxes->second) {
        const double overlap = iou(d.box, truth[t].box);
        if (overlap > best) {
          best = overlap;
          best_truth = t;
        }
      }
    if (best >= iou_threshold && !matched[best_truth]) {
      matched[best_truth] = true;
      ++true_positives;
    }
    recall.push_back(true_positives / static_cast<double>(truth.size()));
    precision.push_back(true_positives / static_cast<double>(rank + 1));
  }
  // The envelope from the right, then the area of the steps where recall grows.
  for (size_t i = precision.size(); i-- > 1;)
    precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double area = 0, previous_recall = 0;
  for (size_t i = 0; i < recall.size(); ++i) {
    area += (recall[i] - previous_recall) * precision[i];
    previous_recall = recall[i];
  }
  return area;
}

double mean_average_precision(std::span<const ScoredBox> detections,
                              std::span<const TruthBox> truth, double iou_threshold) {
  std::map<int64_t, std::pair<std::vector<ScoredBox>, std::vector<TruthBox>>> classes;
  for (const TruthBox& t : truth) classes[t.class_id].second.push_back(t);
  for (const ScoredBox& d : detections) {
    auto it = classes.find(d.class_id);
    if (it != classes.end()) it->second.first.push_back(d);
  }
  if (classes.empty()) return kNoValue;
  double sum = 0;
  for (const auto& [id, parts] : classes)
    sum += average_precision(parts.first, parts.second, iou_threshold);
  return sum / static_cast<double>(classes.size());
}

double mean_average_precision_50_95(std::span<const ScoredBox> detections,
                                    std::span<const TruthBox> truth) {
  double sum = 0;
  for (int step = 0; step < 10; ++step)
    sum += mean_average_precision(detections, truth, 0.5 + 0.05 * step);
  return sum / 10;
}

}  // namespace hpsweep
