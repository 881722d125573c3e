// What every model of the zoo is built with: the model so far, the shape its output will
// have (so a classifier head knows its input size, as PyTorch's Lazy layers do), and the
// channel scaling that `model.width` asks for.
#pragma once

#include <memory>

#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

class NetworkBuilder {
 public:
  // `config` has its defaults applied; `book_width` is the type's default width.
  NetworkBuilder(const ModelConfig& config, const Shape& sample_shape, int64_t book_width);

  // Appends `layer`, checking that it accepts the current shape.
  void add(std::unique_ptr<Layer> layer);
  // The book's channel count scaled by width / book width (at least 1).
  int64_t channels(int64_t book_channels) const;
  // Channels (dim 1) of the current output.
  int64_t current_channels() const { return shape_[1]; }
  // Features per sample of the current output (the input of a Linear after Flatten).
  int64_t current_features() const;
  const ModelConfig& config() const { return config_; }
  // AlexNet's and VGG's classifier: Flatten, two [Linear(4096 scaled), ReLU, Dropout] and the
  // output Linear.
  void add_dropout_head(int64_t outputs);
  Model finish();

 private:
  ModelConfig config_;
  int64_t book_width_;
  Shape shape_;  // with a batch of 1
  Model model_;
};

}  // namespace hpsweep
