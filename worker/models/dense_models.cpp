#include "worker/layers/activation_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/dropout_layer.h"
#include "worker/layers/flatten_layer.h"
#include "worker/models/zoo.h"

namespace hpsweep {

Model build_dense(const ModelConfig&, const Shape& sample_shape, int64_t outputs) {
  Model model;
  model.add(std::make_unique<FlattenLayer>());
  model.add(std::make_unique<DenseLayer>(shape_size(sample_shape), outputs));
  model.pack_gradients();
  return model;
}

Model build_mlp(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  Model model;
  model.add(std::make_unique<FlattenLayer>());
  int64_t width_in = shape_size(sample_shape);
  for (int64_t i = 0; i < config.depth; ++i) {
    model.add(std::make_unique<DenseLayer>(width_in, config.width));
    model.add(std::make_unique<ActivationLayer>(parse_activation(config.activation)));
    model.add(std::make_unique<DropoutLayer>(config.dropout));
    width_in = config.width;
  }
  model.add(std::make_unique<DenseLayer>(width_in, outputs));
  model.pack_gradients();
  return model;
}

}  // namespace hpsweep
