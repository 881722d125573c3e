// d2l 8.6's ResNet-18 layout. Width: the first stage's channels (the book's 64); depth:
// residual blocks per stage (the book's 2).
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// b1 (7x7 conv stride 2, batch norm, ReLU, 3x3 max pool stride 2), four stages of `depth`
// residual blocks with 64, 128, 256 and 512 channels (every stage but the first opens with a
// strided block and a 1x1 shortcut conv), global average pooling, the classifier.
LayerList write_resnet(const ModelConfig& config) {
  LayerList layers = {sequential({conv(scaled(64, config, 64), 7, 3, 2), layer("batch_norm"),
                                  layer("relu"), max_pool(3, 2, 1)})};
  for (int stage = 0; stage < 4; ++stage) {
    LayerList blocks;
    for (int64_t i = 0; i < config.depth; ++i) {
      const bool downsample = i == 0 && stage > 0;
      blocks.push_back(layer("residual", {{"num_channels", scaled(64 << stage, config, 64)},
                                          {"use_1x1conv", downsample ? 1 : 0},
                                          {"strides", downsample ? 2 : 1}}));
    }
    layers.push_back(sequential(std::move(blocks)));
  }
  layers.push_back(layer("adaptive_avg_pool2d", {{"output_size", 1}}));
  layers.push_back(layer("flatten"));
  layers.push_back(outputs_layer("linear", "out_features"));
  return layers;
}

}  // namespace

ModelType resnet_model_type() {
  return {.name = "resnet",
          .width = 64,
          .depth = 2,
          .needs_images = true,
          .book_input_size = 96,
          .write_layers = write_resnet};
}

}  // namespace hpsweep
