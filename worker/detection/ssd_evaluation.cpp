#include "worker/detection/ssd_evaluation.h"

#include <algorithm>
#include <cmath>

#include "worker/detection/multibox_detection.h"
#include "worker/detection/ssd_loss.h"
#include "worker/models/tiny_ssd.h"

namespace hpsweep {
namespace {

constexpr int64_t kEvalBatch = 100;  // a 64-pixel canvas holds ~1 MB of activations

// One image's softmax over each anchor's classes, transposed to multibox_detection's
// class-major [classes + 1, anchors].
void class_probabilities(const float* logits, int64_t anchors, int64_t c1,
                         std::vector<float>& out) {
  out.resize(anchors * c1);
  for (int64_t a = 0; a < anchors; ++a) {
    const float* z = logits + a * c1;
    const float top = *std::max_element(z, z + c1);
    double sum = 0;
    for (int64_t c = 0; c < c1; ++c) sum += std::exp(static_cast<double>(z[c] - top));
    for (int64_t c = 0; c < c1; ++c)
      out[c * anchors + a] = static_cast<float>(std::exp(static_cast<double>(z[c] - top)) / sum);
  }
}

}  // namespace

std::vector<LabeledBox> normalized_boxes(std::span<const DetectionObject> objects, int64_t size) {
  const auto side = static_cast<float>(size);
  std::vector<LabeledBox> result;
  for (const DetectionObject& o : objects)
    result.push_back(
        {o.label, Box{o.box.x1 / side, o.box.y1 / side, o.box.x2 / side, o.box.y2 / side}});
  return result;
}

std::vector<std::vector<LabeledBox>> normalized_objects(const Dataset& set) {
  std::vector<std::vector<LabeledBox>> result;
  for (const std::vector<DetectionObject>& objects : set.objects)
    result.push_back(normalized_boxes(objects, set.inputs.dim(3)));
  return result;
}

DetectionEvaluation evaluate_detector(Model& model, const Dataset& set,
                                      const std::atomic<bool>* stop) {
  const TinySsd& ssd = tiny_ssd_block(model);
  const std::vector<Box>& anchors = ssd.anchors();
  const int64_t count = static_cast<int64_t>(anchors.size()), c1 = ssd.classes() + 1;
  const std::vector<std::vector<LabeledBox>> truth = normalized_objects(set);
  SsdLoss loss(anchors, ssd.classes());
  DetectionEvaluation result;
  const DetectionOptions options{.nms_scope = NmsScope::per_class};
  std::vector<float> probabilities;
  for (int64_t begin = 0; begin < set.size(); begin += kEvalBatch) {
    const int64_t end = std::min(set.size(), begin + kEvalBatch);
    const Tensor& outputs =
        model.forward(set.inputs.rows(begin, end), BatchContext{.mode = Mode::eval, .stop = stop});
    const SsdLossSums sums = loss.forward(
        outputs, std::span<const std::vector<LabeledBox>>(truth).subspan(begin, end - begin));
    result.loss += sums.loss;
    result.class_error += sums.class_errors;
    result.box_mae += sums.box_abs;
    for (int64_t i = begin; i < end; ++i) {
      const float* row = outputs.data() + (i - begin) * outputs.dim(1);
      class_probabilities(row, count, c1, probabilities);
      const std::vector<Detection> found = objects_only(multibox_detection(
          probabilities, std::span<const float>(row + count * c1, count * 4), anchors, options));
      for (const Detection& d : found) result.detections.push_back({i, d.class_id, d.score, d.box});
    }
  }
  std::vector<TruthBox> truth_boxes;
  for (size_t i = 0; i < truth.size(); ++i)
    for (const LabeledBox& t : truth[i])
      truth_boxes.push_back({static_cast<int64_t>(i), t.class_id, t.box});
  const double images = static_cast<double>(set.size());
  result.loss /= images;
  result.class_error /= images * static_cast<double>(count);
  result.box_mae /= images * static_cast<double>(count) * 4;
  result.map50 = mean_average_precision(result.detections, truth_boxes, 0.5);
  result.map50_95 = mean_average_precision_50_95(result.detections, truth_boxes);
  return result;
}

}  // namespace hpsweep
