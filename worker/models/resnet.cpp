#include "worker/blocks/layer_makers.h"
#include "worker/blocks/residual_block.h"
#include "worker/blocks/sequential_block.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {

// d2l 8.6's ResNet-18 layout: b1 (7x7 conv stride 2, batch norm, ReLU, 3x3 max pool stride
// 2), four stages of `depth` residual blocks with 64, 128, 256 and 512 channels (every stage
// but the first opens with a strided block and a 1x1 shortcut conv), global average pooling,
// the classifier.
Model build_resnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  NetworkBuilder net(config, sample_shape, 64);
  const int64_t base = net.channels(64);
  net.add(sequential(conv2d(net.current_channels(), base, 7, 3, 2), batch_norm2d(base), relu(),
                     max_pool(3, 2, 1)));
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t channels = net.channels(64 << stage);
    auto blocks = std::make_unique<SequentialBlock>();
    int64_t in = net.current_channels();
    for (int64_t i = 0; i < config.depth; ++i) {
      const bool downsample = i == 0 && stage > 0;
      blocks->add(std::make_unique<ResidualBlock>(in, channels, downsample, downsample ? 2 : 1));
      in = channels;
    }
    net.add(std::move(blocks));
  }
  net.add(global_avg_pool());
  net.add(flatten());
  net.add(linear(net.current_features(), outputs));
  return net.finish();
}

}  // namespace hpsweep
