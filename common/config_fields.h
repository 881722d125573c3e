// The table of every configurable field, addressed by dotted path ("training.lr"). It is the
// single source of truth for the spec's fixed blocks, for swept parameters and for validation:
// a new hyperparameter is one row in config_fields.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/trial_config.h"

namespace hpsweep {

// integer_list: written in YAML as a list [2, 5, 9], held as its text "2, 5, 9" (so a list is
// one value, which a categorical sweep can choose); increasing (or distinct, any_order), each
// item within the range. name_list: a list of distinct names [fc, 7], held as "fc, 7".
// multiplier_map: a mapping of names to numbers within the range {"0": 0.1, fc: 1}, held as
// "0: 0.1, fc: 1" (training.finetune's lists and lr_mult, common/finetune_fields.h).
enum class ValueKind { boolean, integer, real, text, integer_list, name_list, multiplier_map };

struct ValueRange {
  std::optional<double> min, max;
  bool min_inclusive = true;
  bool max_inclusive = true;
};

struct ConfigField {
  std::string path;  // "training.lr"
  ValueKind kind;
  ValueRange range;                  // for integer and real fields
  std::vector<std::string> choices;  // for text fields; empty: any text
  std::function<void(TrialConfig&, const ConfigValue&)> set;
  std::function<ConfigValue(const TrialConfig&)> get;
  // Words a numeric field also takes, e.g. `eval_train: all`, with the value each stands for.
  std::vector<std::pair<std::string, ConfigValue>> words = {};
  // integer_list: items distinct in any order (dataset.classes), instead of increasing.
  bool any_order = false;
};

const std::vector<ConfigField>& config_fields();
// nullptr when no field has this path. An alias (training.init_from) finds the field it names.
const ConfigField* find_config_field(std::string_view path);
// The names of the keys of one block ("model" -> "type, width, ..."), for error messages.
std::string block_keys(std::string_view block);

// Why `value` is not acceptable for `field` ("must be > 0, got -0.1"); nullopt when it is.
std::optional<std::string> check_value(const ConfigField& field, const ConfigValue& value);

std::string kind_name(ValueKind kind);
// An integer_list value's items; nullopt when the text is not integers separated by commas.
std::optional<std::vector<int64_t>> parse_integer_list(std::string_view text);
std::string integer_list_text(const std::vector<int64_t>& items);
std::string value_string(const ConfigValue& value);
// A number for plots and tables; text values have none.
std::optional<double> value_number(const ConfigValue& value);

}  // namespace hpsweep
