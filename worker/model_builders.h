// The builder of each model type of the registry (common/model_types.h), by name: the worker's
// half of the registry. tests/test_model_registry.cpp checks that the two halves name the same
// types.
#pragma once

#include <string>
#include <vector>

#include "common/tensor.h"
#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

// `config` has its defaults applied; outputs: classes, or 1 for regression.
using ModelBuilder = Model (*)(const ModelConfig& config, const Shape& sample_shape,
                               int64_t outputs);

struct NamedModelBuilder {
  std::string type;
  ModelBuilder build;
};

const std::vector<NamedModelBuilder>& model_builders();
// nullptr when no builder has this name (model.type: simulated has none).
ModelBuilder find_model_builder(const std::string& type);

}  // namespace hpsweep
