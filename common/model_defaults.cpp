#include "common/model_defaults.h"

#include <map>

namespace hpsweep {

ModelShapeDefaults model_defaults(const std::string& type) {
  static const std::map<std::string, ModelShapeDefaults> defaults = {
      {"softmax", {0, 0}},    {"linear", {0, 0}},   {"mlp", {256, 1}},    {"lenet", {6, 2}},
      {"lenet-bn", {6, 2}},   {"alexnet", {96, 3}}, {"vgg", {64, 5}},     {"nin", {96, 3}},
      {"googlenet", {64, 3}}, {"resnet", {64, 2}},  {"densenet", {64, 4}}};
  const auto it = defaults.find(type);
  return it == defaults.end() ? ModelShapeDefaults{0, 0} : it->second;
}

bool small_gemm_models(const std::vector<std::string>& types) {
  if (types.empty()) return false;
  for (const std::string& type : types)
    if (type != "lenet" && type != "lenet-bn") return false;
  return true;
}

ModelConfig with_model_defaults(ModelConfig config) {
  const ModelShapeDefaults d = model_defaults(config.type);
  if (config.width == 0) config.width = d.width;
  if (config.depth == ModelConfig::kDefaultDepth) config.depth = d.depth;
  return config;
}

}  // namespace hpsweep
