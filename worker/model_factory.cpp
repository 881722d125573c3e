#include "worker/model_factory.h"

#include "common/error.h"
#include "worker/layers/activation_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/dropout_layer.h"
#include "worker/layers/flatten_layer.h"

namespace hpsweep {

Model build_model(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  Model model;
  const int64_t inputs = shape_size(sample_shape);
  model.add(std::make_unique<FlattenLayer>());
  if (config.type == "softmax" || config.type == "linear") {
    model.add(std::make_unique<DenseLayer>(inputs, outputs));
    model.pack_gradients();
    return model;
  }
  if (config.type != "mlp") throw UserError("model.type: unknown model '" + config.type + "'");
  int64_t width_in = inputs;
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
