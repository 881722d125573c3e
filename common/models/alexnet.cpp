// d2l 8.1's AlexNet. Width: the first conv's channels (the book's 96); depth: the 3x3 convs of
// the third stage (the book's 384, 384, 256: all but the last have 384 channels).
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;

// AlexNet's and VGG's classifier: Flatten, two [Linear(4096 scaled), ReLU, Dropout] and the
// output Linear.
void write_dropout_head(const ModelConfig& config, int64_t book_width, LayerList& layers) {
  layers.push_back(layer("flatten"));
  for (int i = 0; i < 2; ++i) {
    layers.push_back(layer("linear", {{"out_features", scaled(4096, config, book_width)}}));
    layers.push_back(layer("relu"));
    layers.push_back(layer("dropout", {{"p", config.dropout}}));
  }
  layers.push_back(outputs_layer("linear", "out_features"));
}

namespace {

// An 11x11 conv (stride 4), a 5x5 conv, `depth` 3x3 convs, each stage max-pooled; the head.
LayerList write_alexnet(const ModelConfig& config) {
  LayerList layers = {conv(scaled(96, config, 96), 11, 1, 4), layer("relu"), max_pool(3, 2),
                      conv(scaled(256, config, 96), 5, 2),    layer("relu"), max_pool(3, 2)};
  for (int64_t i = 0; i < config.depth; ++i) {
    layers.push_back(conv(scaled(i + 1 < config.depth ? 384 : 256, config, 96), 3, 1));
    layers.push_back(layer("relu"));
  }
  layers.push_back(max_pool(3, 2));
  write_dropout_head(config, 96, layers);
  return layers;
}

}  // namespace

ModelType alexnet_model_type() {
  return {.name = "alexnet",
          .width = 96,
          .depth = 3,
          .needs_images = true,
          .book_input_size = 224,
          .write_layers = write_alexnet};
}

}  // namespace hpsweep
