#include <algorithm>

#include "worker/blocks/layer_makers.h"
#include "worker/blocks/parallel_concat.h"
#include "worker/blocks/sequential_block.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {
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

}  // namespace

// d2l 8.4: b1 (7x7 conv, stride 2, max pool), b2 (1x1 then 3x3 conv, max pool), the first
// `depth` of the Inception stages b3, b4, b5, and the classifier, as the book's
// nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10)). Each stage is the book's (b3 and b4
// end with a max pool); the last one built also holds the head's global average pooling and
// Flatten, as b5 does, so the classifier always directly follows the last stage (`5.*` at
// depth 3, `3.*` at depth 1).
Model build_googlenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  NetworkBuilder net(config, sample_shape, 64);
  const int64_t in = net.current_channels();
  net.add(sequential(conv2d(in, net.channels(64), 7, 3, 2), relu(), max_pool(3, 2, 1)));
  net.add(sequential(conv2d(net.channels(64), net.channels(64), 1), relu(),
                     conv2d(net.channels(64), net.channels(192), 3, 1), relu(), max_pool(3, 2, 1)));
  const int64_t stages = std::min<int64_t>(config.depth, static_cast<int64_t>(kStages.size()));
  for (int64_t s = 0; s < stages; ++s) {
    auto stage = std::make_unique<SequentialBlock>();
    int64_t channels = net.current_channels();
    for (const InceptionChannels& c : kStages[s]) {
      const int64_t c1 = net.channels(c.c1), c2b = net.channels(c.c2b);
      const int64_t c3b = net.channels(c.c3b), c4 = net.channels(c.c4);
      stage->add(inception_block(channels, c1, {net.channels(c.c2a), c2b},
                                 {net.channels(c.c3a), c3b}, c4));
      channels = c1 + c2b + c3b + c4;
    }
    if (s + 1 < static_cast<int64_t>(kStages.size())) stage->add(max_pool(3, 2, 1));
    if (s + 1 == stages) {
      stage->add(global_avg_pool());
      stage->add(flatten());
    }
    net.add(std::move(stage));
  }
  net.add(linear(net.current_features(), outputs));
  return net.finish();
}

}  // namespace hpsweep
