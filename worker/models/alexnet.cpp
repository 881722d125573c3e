#include <algorithm>

#include "worker/blocks/layer_makers.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {

// d2l 8.1: an 11x11 conv (stride 4), a 5x5 conv, `depth` 3x3 convs (the book's 384, 384,
// 256: all but the last have 384 channels), each stage max-pooled; two dropout-regularized
// 4096-unit Linear layers; the classifier.
Model build_alexnet(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  NetworkBuilder net(config, sample_shape, 96);
  net.add(conv2d(net.current_channels(), net.channels(96), 11, 1, 4));
  net.add(relu());
  net.add(max_pool(3, 2));
  net.add(conv2d(net.current_channels(), net.channels(256), 5, 2));
  net.add(relu());
  net.add(max_pool(3, 2));
  for (int64_t i = 0; i < config.depth; ++i) {
    net.add(conv2d(net.current_channels(), net.channels(i + 1 < config.depth ? 384 : 256), 3, 1));
    net.add(relu());
  }
  net.add(max_pool(3, 2));
  net.add_dropout_head(outputs);
  return net.finish();
}

}  // namespace hpsweep
