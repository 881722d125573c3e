#include "worker/detection/ssd_loss.h"

#include <cmath>

#include "worker/kernels/softmax_cross_entropy.h"

namespace hpsweep {

SsdLossSums SsdLoss::forward(const Tensor& outputs,
                             std::span<const std::vector<LabeledBox>> truth) {
  const int64_t batch = outputs.dim(0), row = outputs.dim(1);
  const int64_t anchors = static_cast<int64_t>(anchors_.size()), c1 = classes_ + 1;
  outputs_ = outputs;
  probabilities_.resize({batch * anchors, c1});
  labels_.resize(batch * anchors);
  targets_.clear();
  SsdLossSums sums;
  for (int64_t b = 0; b < batch; ++b) {
    targets_.push_back(multibox_target(anchors_, truth[b]));
    const AnchorTargets& t = targets_.back();
    int32_t* labels = labels_.data() + b * anchors;
    for (int64_t a = 0; a < anchors; ++a) labels[a] = static_cast<int32_t>(t.class_labels[a]);
    const float* row_data = outputs.data() + b * row;
    const LossSums cls = softmax_cross_entropy_forward(row_data, labels, anchors, c1,
                                                       probabilities_.data() + b * anchors * c1);
    double box = 0;
    const float* offsets = row_data + anchors * c1;
    for (int64_t k = 0; k < anchors * 4; ++k)
      box += std::fabs(offsets[k] * t.mask[k] - t.offsets[k] * t.mask[k]);
    sums.loss += cls.loss / static_cast<double>(anchors) + box / static_cast<double>(anchors * 4);
    sums.class_errors += static_cast<double>(cls.errors);
    sums.box_abs += box;
  }
  return sums;
}

void SsdLoss::backward(float scale, Tensor& gradient) const {
  const int64_t batch = outputs_.dim(0), row = outputs_.dim(1);
  const int64_t anchors = static_cast<int64_t>(anchors_.size()), c1 = classes_ + 1;
  gradient.resize(outputs_.shape());
  const float cls_scale = scale / static_cast<float>(anchors);
  const float box_scale = scale / static_cast<float>(anchors * 4);
  for (int64_t b = 0; b < batch; ++b) {
    float* g = gradient.data() + b * row;
    softmax_cross_entropy_backward(probabilities_.data() + b * anchors * c1,
                                   labels_.data() + b * anchors, anchors, c1, cls_scale, g);
    const AnchorTargets& t = targets_[b];
    const float* offsets = outputs_.data() + b * row + anchors * c1;
    // L1's gradient is the sign of the difference (0 where it is 0, as in PyTorch), through
    // the mask on the prediction.
    for (int64_t k = 0; k < anchors * 4; ++k) {
      const float d = offsets[k] * t.mask[k] - t.offsets[k] * t.mask[k];
      g[anchors * c1 + k] = d > 0 ? box_scale * t.mask[k] : d < 0 ? -box_scale * t.mask[k] : 0.0f;
    }
  }
}

}  // namespace hpsweep
