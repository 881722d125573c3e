// A detector's training batch: the samples' canvases, augmented as dataset.flip and
// dataset.crop_padding say (training batches only), and their objects moved with the pixels,
// in the normalized coordinates the anchors and the loss use.
#pragma once

#include <cstdint>
#include <vector>

#include "common/tensor.h"
#include "worker/data/augmentation.h"
#include "worker/data/dataset.h"
#include "worker/detection/anchor_labels.h"

namespace hpsweep {

// Samples ids[0..count) of `set` (canvases [1, S, S]) into `inputs` [count, 1, S, S] and
// `truth`, augmented with the draws of (seed, epoch, id) as classifiers' batches are.
void gather_detection_batch(const Dataset& set, const AugmentOptions& augment, const int64_t* ids,
                            int64_t count, uint64_t seed, int64_t epoch, Tensor& inputs,
                            std::vector<std::vector<LabeledBox>>& truth);

}  // namespace hpsweep
