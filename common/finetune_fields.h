// The rows of training.finetune in the table of configurable fields (common/config_fields.h):
// .from (also spelt training.init_from), .reinit, .freeze and .lr_mult, each addressable, and
// so sweepable, by its dotted path: a categorical sweep over checkpoints, or over whole
// lists and maps of multipliers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config_fields.h"

namespace hpsweep {

std::vector<ConfigField> finetune_fields();

// The texts of the list kinds (common/config_fields.h): nullopt when `text` is not one.
std::optional<std::vector<std::string>> parse_name_list(std::string_view text);
std::string name_list_text(const std::vector<std::string>& names);
std::optional<std::vector<std::pair<std::string, double>>> parse_multiplier_map(
    std::string_view text);
std::string multiplier_map_text(const std::vector<std::pair<std::string, double>>& entries);

// reinit, freeze and lr_mult in one text: trials with the same text fine-tune the same layers.
std::string finetune_layers_text(const FinetuneConfig& finetune);

// Why a name cannot be a layer prefix (empty, or holding a separator of the texts above).
std::optional<std::string> layer_name_problem(const std::string& name);

}  // namespace hpsweep
