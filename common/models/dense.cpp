// d2l's dense models: softmax regression (3.7; `linear`, the same layers, for regression, 3.3)
// and the multilayer perceptron (4.3, 4.6).
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// Flatten, Linear(inputs, outputs).
LayerList write_dense(const ModelConfig&) {
  return {layer("flatten"), outputs_layer("linear", "out_features")};
}

// Flatten, depth x [Linear(., width), activation, Dropout(p)], Linear(width, outputs). The
// Dropout layers are there even when p = 0, so that parameter names do not depend on the rate
// (training.finetune.from works across a dropout sweep).
LayerList write_mlp(const ModelConfig& config) {
  LayerList layers = {layer("flatten")};
  for (int64_t i = 0; i < config.depth; ++i) {
    layers.push_back(layer("linear", {{"out_features", config.width}}));
    layers.push_back(layer(config.activation));
    layers.push_back(layer("dropout", {{"p", config.dropout}}));
  }
  layers.push_back(outputs_layer("linear", "out_features"));
  return layers;
}

}  // namespace

std::vector<ModelType> dense_model_types() {
  return {{.name = "softmax", .write_layers = write_dense},
          {.name = "linear", .write_layers = write_dense},
          // width: units per hidden layer; depth: hidden layers
          {.name = "mlp", .width = 256, .depth = 1, .write_layers = write_mlp}};
}

}  // namespace hpsweep
