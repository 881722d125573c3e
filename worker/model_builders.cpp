#include "worker/model_builders.h"

#include "worker/models/zoo.h"

namespace hpsweep {

const std::vector<NamedModelBuilder>& model_builders() {
  static const std::vector<NamedModelBuilder> builders = {
      {"softmax", build_dense}, {"linear", build_dense},      {"mlp", build_mlp},
      {"lenet", build_lenet},   {"lenet-bn", build_lenet_bn}, {"alexnet", build_alexnet},
      {"vgg", build_vgg},       {"nin", build_nin},           {"googlenet", build_googlenet},
      {"resnet", build_resnet}, {"densenet", build_densenet}, {"sequential", build_sequential},
      {"rnn-lm", build_rnn_lm}};
  return builders;
}

ModelBuilder find_model_builder(const std::string& type) {
  for (const NamedModelBuilder& b : model_builders())
    if (b.type == type) return b.build;
  return nullptr;
}

}  // namespace hpsweep
