#include "worker/model_summary.h"

namespace hpsweep {
namespace {

int64_t count_parameters(Layer& layer) {
  int64_t count = 0;
  for (Parameter* p : layer.parameters()) count += p->value.size();
  for (const ChildLayer& child : layer.children()) count += count_parameters(*child.layer);
  return count;
}

// Adds `layer` (given its input, with a batch of 1) and, for a Sequential block, its
// children; returns the layer's output shape.
Shape summarize(Layer& layer, const std::string& name, int depth, const Shape& input,
                std::vector<LayerSummary>& rows) {
  const Shape output = layer.output_shape(input);
  rows.push_back({name, depth, layer.kind(), Shape(output.begin() + 1, output.end()),
                  count_parameters(layer)});
  if (layer.kind() == "Sequential") {
    Shape shape = input;
    for (const ChildLayer& child : layer.children())
      shape = summarize(*child.layer, name + "." + child.name, depth + 1, shape, rows);
  }
  return output;
}

}  // namespace

std::vector<LayerSummary> summarize_model(const Model& model, const Shape& sample_shape) {
  std::vector<LayerSummary> rows;
  Shape shape = sample_shape;
  shape.insert(shape.begin(), 1);
  for (size_t i = 0; i < model.layers().size(); ++i)
    shape = summarize(*model.layers()[i], std::to_string(i), 0, shape, rows);
  return rows;
}

}  // namespace hpsweep
