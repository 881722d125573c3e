// d2l 7.6's LeNet (sigmoid, average pooling) and 8.5's LeNet with batch norm (after every conv
// and hidden Linear, ReLU, max pooling). Width: the first conv's channels (the book's 6);
// depth: hidden Linear layers (the book's 120 and 84; more repeat 84).
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// Two conv stages (5x5 convs of 6 and 16 channels, the first padded to keep 28x28), the hidden
// Linear layers, the classifier.
LayerList write_lenet_variant(const ModelConfig& config, bool batch_norm) {
  const char* activation = batch_norm ? "relu" : "sigmoid";
  LayerList layers;
  const int64_t stage_channels[] = {scaled(6, config, 6), scaled(16, config, 6)};
  for (int stage = 0; stage < 2; ++stage) {
    layers.push_back(conv(stage_channels[stage], 5, stage == 0 ? 2 : 0));
    if (batch_norm) layers.push_back(layer("batch_norm"));
    layers.push_back(layer(activation));
    layers.push_back(batch_norm ? max_pool(2, 2) : layer("avg_pool2d", {{"kernel_size", 2}}));
  }
  layers.push_back(layer("flatten"));
  for (int64_t i = 0; i < config.depth; ++i) {
    layers.push_back(layer("linear", {{"out_features", scaled(i == 0 ? 120 : 84, config, 6)}}));
    if (batch_norm) layers.push_back(layer("batch_norm"));
    layers.push_back(layer(activation));
  }
  layers.push_back(outputs_layer("linear", "out_features"));
  return layers;
}

LayerList write_lenet(const ModelConfig& config) {
  return write_lenet_variant(config, false);
}
LayerList write_lenet_bn(const ModelConfig& config) {
  return write_lenet_variant(config, true);
}

}  // namespace

std::vector<ModelType> lenet_model_types() {
  return {{.name = "lenet",
           .width = 6,
           .depth = 2,
           .needs_images = true,
           .small_gemm = true,
           .book_input_size = 28,
           .write_layers = write_lenet},
          {.name = "lenet-bn",
           .width = 6,
           .depth = 2,
           .needs_images = true,
           .small_gemm = true,
           .book_input_size = 28,
           .write_layers = write_lenet_bn}};
}

}  // namespace hpsweep
