// `model.layers:` YAML -> LayerList (common/layer_spec.h), checked against the table of layer
// kinds: every problem is a UserError at the file, line and column of the bad layer or value.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/layer_spec.h"

namespace hpsweep {

// `node` is the value of `model.layers` in the spec file `source`.
LayerList parse_layer_list(const YAML::Node& node, const std::string& source);

}  // namespace hpsweep
