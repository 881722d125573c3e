#include "worker/model_factory.h"

#include <map>
#include <stdexcept>

#include "common/error.h"
#include "common/model_defaults.h"
#include "worker/layers/activation_layer.h"
#include "worker/layers/dense_layer.h"
#include "worker/layers/dropout_layer.h"
#include "worker/layers/flatten_layer.h"
#include "worker/models/zoo.h"

namespace hpsweep {

namespace {

using CnnBuilder = Model (*)(const ModelConfig&, const Shape&, int64_t);

// The convolutional models of the zoo by type.
CnnBuilder cnn_builder(const std::string& type) {
  static const std::map<std::string, CnnBuilder> builders = {
      {"lenet",
       [](const ModelConfig& c, const Shape& s, int64_t o) { return build_lenet(c, s, o, false); }},
      {"lenet-bn",
       [](const ModelConfig& c, const Shape& s, int64_t o) { return build_lenet(c, s, o, true); }},
      {"alexnet", build_alexnet},
      {"vgg", build_vgg},
      {"nin", build_nin},
      {"googlenet", build_googlenet},
      {"resnet", build_resnet},
      {"densenet", build_densenet}};
  const auto it = builders.find(type);
  return it == builders.end() ? nullptr : it->second;
}

Model build_cnn(CnnBuilder builder, const ModelConfig& config, const Shape& sample_shape,
                int64_t outputs) {
  if (sample_shape.size() != 3)
    throw UserError("model.type: " + config.type + " needs images [C, H, W], got samples " +
                    shape_string(sample_shape));
  if (config.depth < 1)
    throw UserError("model.depth: " + config.type + " needs a depth of at least 1");
  const auto does_not_fit = [&](const char* why) {
    return UserError("model: " + config.type + " (width " + std::to_string(config.width) +
                     ", depth " + std::to_string(config.depth) + ") does not fit input " +
                     shape_string(sample_shape) + ": " + why +
                     " (a larger dataset.input_size or a smaller model.depth)");
  };
  // Layers report shapes they cannot take as invalid_argument (dense, batch norm, concat)
  // or UserError (convolution, pooling).
  try {
    return builder(config, sample_shape, outputs);
  } catch (const std::invalid_argument& e) {
    throw does_not_fit(e.what());
  } catch (const UserError& e) {
    throw does_not_fit(e.what());
  }
}

}  // namespace

Model build_model(const ModelConfig& given, const Shape& sample_shape, int64_t outputs) {
  const ModelConfig config = with_model_defaults(given);
  if (CnnBuilder builder = cnn_builder(config.type))
    return build_cnn(builder, config, sample_shape, outputs);
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

std::string architecture_key(const ModelConfig& config, const Shape& sample_shape) {
  const ModelConfig m = with_model_defaults(config);
  return m.type + ":" + std::to_string(m.width) + ":" + std::to_string(m.depth) + ":" +
         shape_string(sample_shape);
}

}  // namespace hpsweep
