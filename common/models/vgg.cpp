// d2l 8.2's VGG-11. Width: the first block's channels (the book's 64); depth: VGG blocks
// ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512); more repeat (2, 512)).
#include <algorithm>

#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// d2l's vgg_block: `convs` 3x3 convs (padding 1) with ReLU, then a 2x2 max pool.
LayerSpec vgg_block(int64_t convs, int64_t channels) {
  LayerList block;
  for (int64_t i = 0; i < convs; ++i) {
    block.push_back(conv(channels, 3, 1));
    block.push_back(layer("relu"));
  }
  block.push_back(max_pool(2, 2));
  return sequential(std::move(block));
}

LayerList write_vgg(const ModelConfig& config) {
  static const int64_t arch[][2] = {{1, 64}, {1, 128}, {2, 256}, {2, 512}, {2, 512}};
  LayerList layers;
  for (int64_t i = 0; i < config.depth; ++i) {
    const auto& [convs, channels] = arch[std::min<int64_t>(i, 4)];
    layers.push_back(vgg_block(convs, scaled(channels, config, 64)));
  }
  write_dropout_head(config, 64, layers);
  return layers;
}

}  // namespace

ModelType vgg_model_type() {
  return {.name = "vgg",
          .width = 64,
          .depth = 5,
          .needs_images = true,
          .book_input_size = 224,
          .write_layers = write_vgg};
}

}  // namespace hpsweep
