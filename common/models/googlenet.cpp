// d2l 8.4's GoogLeNet. Width: the first conv's channels (the book's 64); depth: Inception
// stages (the book's b3, b4, b5).
#include <algorithm>

#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {

using namespace writer;
namespace {

// One Inception block's branch channels as the book gives them: c1, c2, c3, c4.
struct InceptionChannels {
  int64_t c1, c2a, c2b, c3a, c3b, c4;
};

// The book's b3, b4 and b5: Inception blocks, max-pooled between stages.
const std::vector<std::vector<InceptionChannels>> kStages = {
    {{64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}},
    {{192, 96, 208, 16, 48, 64},
     {160, 112, 224, 24, 64, 64},
     {128, 128, 256, 24, 64, 64},
     {112, 144, 288, 32, 64, 64},
     {256, 160, 320, 32, 128, 128}},
    {{256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}}};

// b1 (7x7 conv, stride 2, max pool), b2 (1x1 then 3x3 conv, max pool), the first `depth`
// Inception stages, and the classifier, as the book's nn.Sequential(b1, b2, b3, b4, b5,
// nn.Linear(1024, 10)). Each stage is the book's (b3 and b4 end with a max pool); the last one
// built also holds the head's global average pooling and Flatten, as b5 does, so the
// classifier always directly follows the last stage (`5.*` at depth 3, `3.*` at depth 1).
LayerList write_googlenet(const ModelConfig& config) {
  const auto channels = [&](int64_t book) { return scaled(book, config, 64); };
  LayerList layers = {sequential({conv(channels(64), 7, 3, 2), layer("relu"), max_pool(3, 2, 1)}),
                      sequential({conv(channels(64), 1), layer("relu"), conv(channels(192), 3, 1),
                                  layer("relu"), max_pool(3, 2, 1)})};
  const int64_t stages = std::min<int64_t>(config.depth, static_cast<int64_t>(kStages.size()));
  for (int64_t s = 0; s < stages; ++s) {
    LayerList stage;
    for (const InceptionChannels& c : kStages[s])
      stage.push_back(inception(channels(c.c1), {channels(c.c2a), channels(c.c2b)},
                                {channels(c.c3a), channels(c.c3b)}, channels(c.c4)));
    if (s + 1 < static_cast<int64_t>(kStages.size())) stage.push_back(max_pool(3, 2, 1));
    if (s + 1 == stages) {
      stage.push_back(layer("adaptive_avg_pool2d", {{"output_size", 1}}));
      stage.push_back(layer("flatten"));
    }
    layers.push_back(sequential(std::move(stage)));
  }
  layers.push_back(outputs_layer("linear", "out_features"));
  return layers;
}

}  // namespace

ModelType googlenet_model_type() {
  return {.name = "googlenet",
          .width = 64,
          .depth = 3,
          .needs_images = true,
          .book_input_size = 96,
          .write_layers = write_googlenet};
}

}  // namespace hpsweep
