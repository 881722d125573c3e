#include "common/model_types.h"

#include <algorithm>

#include "common/models/zoo_types.h"

namespace hpsweep {
namespace {

// sequential: the layers the spec writes.
LayerList written_layers(const ModelConfig& config) {
  return config.layers ? *config.layers : LayerList{};
}

std::vector<ModelType> make_model_types() {
  std::vector<ModelType> types = dense_model_types();
  for (ModelType& type : lenet_model_types()) types.push_back(type);
  for (ModelType type :
       {alexnet_model_type(), vgg_model_type(), nin_model_type(), googlenet_model_type(),
        resnet_model_type(), densenet_model_type(), rnn_lm_model_type(), tiny_ssd_model_type()})
    types.push_back(type);
  // The network `model.layers` writes; width and depth mean what its references make them
  // (unset, they stay unset: a reference to one is an error).
  types.push_back({.name = kSequentialType,
                   .depth = ModelConfig::kDefaultDepth,
                   .write_layers = written_layers});
  // No model: a synthetic learning curve (worker/simulated_trial.h).
  types.push_back({.name = ModelConfig::kSimulatedType});
  // No model either: a program each trial runs (worker/command_trial.h).
  types.push_back({.name = ModelConfig::kCommandType});
  return types;
}

}  // namespace

const std::vector<ModelType>& model_types() {
  static const std::vector<ModelType> types = make_model_types();
  return types;
}

const ModelType* find_model_type(const std::string& name) {
  for (const ModelType& type : model_types())
    if (type.name == name) return &type;
  return nullptr;
}

std::vector<std::string> model_type_names() {
  std::vector<std::string> names;
  for (const ModelType& type : model_types()) names.push_back(type.name);
  return names;
}

bool small_gemm_models(const std::vector<std::string>& types) {
  if (types.empty()) return false;
  return std::all_of(types.begin(), types.end(), [](const std::string& name) {
    const ModelType* type = find_model_type(name);
    return type && type->small_gemm;
  });
}

ModelConfig with_model_defaults(ModelConfig config) {
  const ModelType* type = find_model_type(config.type);  // unknown: no width, no depth
  if (config.width == 0) config.width = type ? type->width : 0;
  if (config.depth == ModelConfig::kDefaultDepth) config.depth = type ? type->depth : 0;
  return config;
}

}  // namespace hpsweep
