#include "common/finetune_fields.h"

#include <cstdlib>

namespace hpsweep {
namespace {

// The items of "a, b, c"; nullopt for an empty item.
std::optional<std::vector<std::string>> split_items(std::string_view text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(", ", begin);
    const std::string_view item = text.substr(begin, comma - begin);
    if (item.empty()) return std::nullopt;
    items.emplace_back(item);
    if (comma == std::string_view::npos) return items;
    begin = comma + 2;
  }
}

ConfigField name_list_field(const std::string& key,
                            std::vector<std::string> FinetuneConfig::*member) {
  return ConfigField{"training.finetune." + key,
                     ValueKind::name_list,
                     {},
                     {},
                     [member](TrialConfig& config, const ConfigValue& value) {
                       config.training.finetune.*member =
                           *parse_name_list(std::get<std::string>(value));
                     },
                     [member](const TrialConfig& config) -> ConfigValue {
                       return name_list_text(config.training.finetune.*member);
                     }};
}

}  // namespace

std::vector<ConfigField> finetune_fields() {
  return {
      ConfigField{
          "training.finetune.from",
          ValueKind::text,
          {},
          {},
          [](TrialConfig& config, const ConfigValue& value) {
            config.training.finetune.from = std::get<std::string>(value);
          },
          [](const TrialConfig& config) -> ConfigValue { return config.training.finetune.from; }},
      name_list_field("reinit", &FinetuneConfig::reinit),
      name_list_field("freeze", &FinetuneConfig::freeze),
      // A multiplier of 0 would be a freeze that keeps optimizer state: freeze says it.
      ConfigField{"training.finetune.lr_mult",
                  ValueKind::multiplier_map,
                  {0.0, std::nullopt, false, true},
                  {},
                  [](TrialConfig& config, const ConfigValue& value) {
                    config.training.finetune.lr_mult =
                        *parse_multiplier_map(std::get<std::string>(value));
                  },
                  [](const TrialConfig& config) -> ConfigValue {
                    return multiplier_map_text(config.training.finetune.lr_mult);
                  }},
  };
}

std::optional<std::vector<std::string>> parse_name_list(std::string_view text) {
  auto names = split_items(text);
  if (!names) return std::nullopt;
  for (const std::string& name : *names)
    if (layer_name_problem(name)) return std::nullopt;
  return names;
}

std::string name_list_text(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::optional<std::vector<std::pair<std::string, double>>> parse_multiplier_map(
    std::string_view text) {
  const auto items = split_items(text);
  if (!items) return std::nullopt;
  std::vector<std::pair<std::string, double>> entries;
  for (const std::string& item : *items) {
    const size_t colon = item.find(": ");
    if (colon == std::string::npos) return std::nullopt;
    std::string name = item.substr(0, colon);
    const std::string number = item.substr(colon + 2);
    char* end = nullptr;
    const double multiplier = std::strtod(number.c_str(), &end);
    if (layer_name_problem(name) || number.empty() || end != number.c_str() + number.size())
      return std::nullopt;
    entries.emplace_back(std::move(name), multiplier);
  }
  return entries;
}

std::string multiplier_map_text(const std::vector<std::pair<std::string, double>>& entries) {
  std::string text;
  for (const auto& [name, multiplier] : entries)
    text += (text.empty() ? "" : ", ") + name + ": " + value_string(multiplier);
  return text;
}

std::string finetune_layers_text(const FinetuneConfig& f) {
  return "reinit [" + name_list_text(f.reinit) + "] freeze [" + name_list_text(f.freeze) +
         "] lr_mult {" + multiplier_map_text(f.lr_mult) + "}";
}

std::optional<std::string> layer_name_problem(const std::string& name) {
  if (name.empty()) return std::string("expected a layer name, got an empty one");
  if (name.find_first_of(",: ") != std::string::npos)
    return "'" + name + "' is not a layer name (names hold no commas, colons or spaces)";
  return std::nullopt;
}

}  // namespace hpsweep
