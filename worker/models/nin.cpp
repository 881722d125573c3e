#include "worker/blocks/layer_makers.h"
#include "worker/blocks/sequential_block.h"
#include "worker/models/network_builder.h"
#include "worker/models/zoo.h"

namespace hpsweep {
namespace {

// d2l 8.3's nin_block: a conv, then two 1x1 convs, each with ReLU.
std::unique_ptr<SequentialBlock> nin_block(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                                           int64_t padding) {
  return sequential(conv2d(in, out, kernel, padding, stride), relu(), conv2d(out, out, 1), relu(),
                    conv2d(out, out, 1), relu());
}

}  // namespace

// `depth` NiN blocks (the book's 96 channels 11x11 stride 4, 256 5x5, 384 3x3; more repeat
// the last), each followed by a 3x3 max pool (stride 2); dropout; a NiN block with one
// channel per class; global average pooling.
Model build_nin(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  NetworkBuilder net(config, sample_shape, 96);
  for (int64_t i = 0; i < config.depth; ++i) {
    const int64_t in = net.current_channels();
    if (i == 0)
      net.add(nin_block(in, net.channels(96), 11, 4, 0));
    else if (i == 1)
      net.add(nin_block(in, net.channels(256), 5, 1, 2));
    else
      net.add(nin_block(in, net.channels(384), 3, 1, 1));
    net.add(max_pool(3, 2));
  }
  net.add(dropout(config.dropout));
  net.add(nin_block(net.current_channels(), outputs, 3, 1, 1));
  net.add(global_avg_pool());
  net.add(flatten());
  return net.finish();
}

}  // namespace hpsweep
