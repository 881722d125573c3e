#include "worker/detection/detection_batch.h"

#include <algorithm>

#include "worker/data/detection_augmentation.h"
#include "worker/detection/ssd_evaluation.h"

namespace hpsweep {

void gather_detection_batch(const Dataset& set, const AugmentOptions& augment, const int64_t* ids,
                            int64_t count, uint64_t seed, int64_t epoch, Tensor& inputs,
                            std::vector<std::vector<LabeledBox>>& truth) {
  Shape shape = set.sample_shape();
  const int64_t size = shape[2], floats = shape_size(shape);
  shape.insert(shape.begin(), count);
  inputs.resize(shape);
  truth.clear();
  for (int64_t i = 0; i < count; ++i) {
    const float* canvas = set.inputs.data() + ids[i] * floats;
    float* target = inputs.data() + i * floats;
    const std::vector<DetectionObject>& objects = set.objects[ids[i]];
    if (!augment.active()) {
      std::copy(canvas, canvas + floats, target);
      truth.push_back(normalized_boxes(objects, size));
      continue;
    }
    const AugmentDraw draw = draw_augmentation(augment, seed, epoch, ids[i]);
    augment_image(canvas, target, 1, size, size, augment.crop_padding, draw);
    truth.push_back(
        normalized_boxes(augment_objects(objects, target, size, augment.crop_padding, draw), size));
  }
}

}  // namespace hpsweep
