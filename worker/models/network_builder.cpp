#include "worker/models/network_builder.h"

#include <algorithm>
#include <cmath>

#include "worker/blocks/layer_makers.h"

namespace hpsweep {

NetworkBuilder::NetworkBuilder(const ModelConfig& config, const Shape& sample_shape,
                               int64_t book_width)
    : config_(config), book_width_(book_width), shape_(sample_shape) {
  shape_.insert(shape_.begin(), 1);
}

void NetworkBuilder::add(std::unique_ptr<Layer> layer) {
  shape_ = layer->output_shape(shape_);
  model_.add(std::move(layer));
}

int64_t NetworkBuilder::channels(int64_t book_channels) const {
  const double scaled = static_cast<double>(book_channels) * static_cast<double>(config_.width) /
                        static_cast<double>(book_width_);
  return std::max<int64_t>(1, std::llround(scaled));
}

int64_t NetworkBuilder::current_features() const {
  return shape_size(shape_) / shape_[0];
}

void NetworkBuilder::add_dropout_head(int64_t outputs) {
  add(flatten());
  for (int i = 0; i < 2; ++i) {
    add(linear(current_features(), channels(4096)));
    add(relu());
    add(dropout(config_.dropout));
  }
  add(linear(current_features(), outputs));
}

Model NetworkBuilder::finish() {
  model_.pack_gradients();
  return std::move(model_);
}

}  // namespace hpsweep
