#include "worker/blocks/layer_makers.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {
namespace {

// Two conv stages (5x5 convs of 6 and 16 channels, the first padded to keep 28x28), then
// `depth` hidden Linear layers (the book's 120 and 84; more repeat 84), then the classifier.
Model build_lenet_variant(const ModelConfig& config, const Shape& sample_shape, int64_t outputs,
                          bool batch_norm) {
  NetworkBuilder net(config, sample_shape, 6);
  auto activation = [&] { return batch_norm ? relu() : sigmoid(); };
  auto pool = [&] { return batch_norm ? max_pool(2, 2) : avg_pool(2, 2); };
  const int64_t stage_channels[] = {net.channels(6), net.channels(16)};
  for (int stage = 0; stage < 2; ++stage) {
    net.add(conv2d(net.current_channels(), stage_channels[stage], 5, stage == 0 ? 2 : 0));
    if (batch_norm) net.add(batch_norm2d(stage_channels[stage]));
    net.add(activation());
    net.add(pool());
  }
  net.add(flatten());
  for (int64_t i = 0; i < config.depth; ++i) {
    const int64_t units = net.channels(i == 0 ? 120 : 84);
    net.add(linear(net.current_features(), units));
    if (batch_norm) net.add(batch_norm1d(units));
    net.add(activation());
  }
  net.add(linear(net.current_features(), outputs));
  return net.finish();
}

}  // namespace

Model build_lenet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  return build_lenet_variant(config, sample_shape, outputs, false);
}

Model build_lenet_bn(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  return build_lenet_variant(config, sample_shape, outputs, true);
}

}  // namespace hpsweep
