#include "worker/blocks/dense_block.h"
#include "worker/blocks/layer_makers.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {

// d2l 8.7: ResNet's b1, four dense blocks of `depth` conv blocks (growth rate 32) with a
// transition layer halving the channels and the resolution between them, then batch norm,
// ReLU, global average pooling and the classifier.
Model build_densenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  NetworkBuilder net(config, sample_shape, 64);
  const int64_t base = net.channels(64), growth = net.channels(32);
  net.add(sequential(conv2d(net.current_channels(), base, 7, 3, 2), batch_norm2d(base), relu(),
                     max_pool(3, 2, 1)));
  constexpr int kBlocks = 4;
  for (int i = 0; i < kBlocks; ++i) {
    auto block = std::make_unique<DenseBlock>(net.current_channels(), config.depth, growth);
    const int64_t channels = block->out_channels();
    net.add(std::move(block));
    if (i + 1 < kBlocks) net.add(transition_block(channels, channels / 2));
  }
  net.add(batch_norm2d(net.current_channels()));
  net.add(relu());
  net.add(global_avg_pool());
  net.add(flatten());
  net.add(linear(net.current_features(), outputs));
  return net.finish();
}

}  // namespace hpsweep
