// A model's layers with their output shapes and parameter counts, like the book's shape
// printouts (`for layer in net: X = layer(X); print(layer.__class__.__name__, X.shape)`).
// Sequential blocks are expanded one level per nesting, so a ResNet lists its stages and the
// residual blocks inside them.
#pragma once

#include <string>
#include <vector>

#include "worker/model.h"

namespace hpsweep {

struct LayerSummary {
  std::string name;  // "1", "1.0": the prefix of the layer's parameter names
  int depth;         // nesting level, 0 for the model's own layers
  std::string kind;  // "Conv2d", "Residual"
  Shape output;      // per sample (without the batch axis)
  int64_t parameters;
};

std::vector<LayerSummary> summarize_model(const Model& model, const Shape& sample_shape);

}  // namespace hpsweep
