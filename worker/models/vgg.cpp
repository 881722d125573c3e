#include "worker/blocks/layer_makers.h"
#include "worker/blocks/sequential_block.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {
namespace {

// d2l 8.2's vgg_block: `convs` 3x3 convs (padding 1) with ReLU, then a 2x2 max pool.
std::unique_ptr<SequentialBlock> vgg_block(int64_t convs, int64_t in, int64_t out) {
  auto block = std::make_unique<SequentialBlock>();
  for (int64_t i = 0; i < convs; ++i) {
    block->add(conv2d(i == 0 ? in : out, out, 3, 1));
    block->add(relu());
  }
  block->add(max_pool(2, 2));
  return block;
}

}  // namespace

// VGG-11's blocks ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)), the first `depth` of
// them (more repeat (2, 512)); the AlexNet-like head with dropout.
Model build_vgg(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  static const int64_t arch[][2] = {{1, 64}, {1, 128}, {2, 256}, {2, 512}, {2, 512}};
  NetworkBuilder net(config, sample_shape, 64);
  for (int64_t i = 0; i < config.depth; ++i) {
    const auto& [convs, channels] = arch[std::min<int64_t>(i, 4)];
    net.add(vgg_block(convs, net.current_channels(), net.channels(channels)));
  }
  net.add_dropout_head(outputs);
  return net.finish();
}

}  // namespace hpsweep
