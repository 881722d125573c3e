// d2l 8.7's DenseNet, growth rate 32. Width: the first conv's channels (the book's 64); depth:
// conv blocks per dense block (the book's 4).
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// ResNet's b1, four dense blocks with a transition layer halving the channels and the
// resolution between them, then batch norm, ReLU, global average pooling and the classifier.
LayerList write_densenet(const ModelConfig& config) {
  int64_t channels = scaled(64, config, 64);
  const int64_t growth = scaled(32, config, 64);
  LayerList layers = {
      sequential({conv(channels, 7, 3, 2), layer("batch_norm"), layer("relu"), max_pool(3, 2, 1)})};
  constexpr int kBlocks = 4;
  for (int i = 0; i < kBlocks; ++i) {
    layers.push_back(layer("dense_block", {{"num_convs", config.depth}, {"num_channels", growth}}));
    channels += config.depth * growth;
    if (i + 1 < kBlocks) {
      channels /= 2;
      layers.push_back(layer("transition", {{"num_channels", channels}}));
    }
  }
  layers.push_back(layer("batch_norm"));
  layers.push_back(layer("relu"));
  layers.push_back(layer("adaptive_avg_pool2d", {{"output_size", 1}}));
  layers.push_back(layer("flatten"));
  layers.push_back(outputs_layer("linear", "out_features"));
  return layers;
}

}  // namespace

ModelType densenet_model_type() {
  return {.name = "densenet",
          .width = 64,
          .depth = 4,
          .needs_images = true,
          .book_input_size = 96,
          .write_layers = write_densenet};
}

}  // namespace hpsweep
