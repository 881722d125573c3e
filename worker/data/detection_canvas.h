// One canvas of the fmnist-detection set (docs/detection.md, "The fmnist-detection set"): 1 to
// max_objects items of a Fashion-MNIST split, resized and pasted at random, each object labelled
// with its item's class and the tight box of its non-zero pixels. A canvas is a pure function
// of (seed, split, index), so canvases can be drawn in any order or in parallel, and rebuilt
// outside hpsweep from the docs' recipe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/dataset_types.h"
#include "worker/data/dataset.h"

namespace hpsweep {

// Part of the counter hash: the training and test canvases of one seed are independent.
enum class CanvasSplit : uint64_t { train = 0, test = 1 };

struct CanvasRules {
  int64_t size = kDefaultCanvasSize;  // the side S in pixels
  int64_t max_objects = kDefaultDetectionObjects;
};

// The rules dataset.input_size and dataset.max_objects set (their defaults when 0).
CanvasRules canvas_rules(const DatasetConfig& config);

struct Canvas {
  std::vector<float> pixels;             // [S, S], row-major
  std::vector<DetectionObject> objects;  // in paste order
};

// Canvas `index` of `split`, pasted from `items`: images [N, 1, H, W] in [0, 1] with labels.
Canvas draw_canvas(const Dataset& items, uint64_t seed, CanvasSplit split, int64_t index,
                   const CanvasRules& rules);

}  // namespace hpsweep
