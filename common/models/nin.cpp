// d2l 8.3's Network in Network. Width: the first block's channels (the book's 96); depth: NiN
// blocks before the classifier block (the book's 96 channels 11x11 stride 4, 256 5x5, 384
// 3x3; more repeat the last), each followed by a 3x3 max pool (stride 2); dropout; a NiN block
// with one channel per class; global average pooling.
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// d2l's nin_block: `first`, then two 1x1 convs, each with ReLU.
LayerSpec nin_block(const LayerSpec& first, const LayerSpec& one_by_one) {
  return sequential({first, layer("relu"), one_by_one, layer("relu"), one_by_one, layer("relu")});
}

LayerSpec nin_block(int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return nin_block(conv(out, kernel, padding, stride), conv(out, 1));
}

LayerList write_nin(const ModelConfig& config) {
  LayerList layers;
  for (int64_t i = 0; i < config.depth; ++i) {
    if (i == 0)
      layers.push_back(nin_block(scaled(96, config, 96), 11, 4, 0));
    else if (i == 1)
      layers.push_back(nin_block(scaled(256, config, 96), 5, 1, 2));
    else
      layers.push_back(nin_block(scaled(384, config, 96), 3, 1, 1));
    layers.push_back(max_pool(3, 2));
  }
  layers.push_back(layer("dropout", {{"p", config.dropout}}));
  layers.push_back(
      nin_block(outputs_layer("conv2d", "out_channels", {{"kernel_size", 3}, {"padding", 1}}),
                outputs_layer("conv2d", "out_channels", {{"kernel_size", 1}})));
  layers.push_back(layer("adaptive_avg_pool2d", {{"output_size", 1}}));
  layers.push_back(layer("flatten"));
  return layers;
}

}  // namespace

ModelType nin_model_type() {
  return {.name = "nin",
          .width = 96,
          .depth = 3,
          .needs_images = true,
          .book_input_size = 224,
          .write_layers = write_nin};
}

}  // namespace hpsweep
