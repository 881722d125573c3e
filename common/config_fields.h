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

using ConfigValue = std::variant<bool, int64_t, double, std::string>;

enum class ValueKind { boolean, integer, real, text };

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
  // A text field written in the spec as a list of distinct integers >= 0 (`[5, 6, 7]`), and
  // carried as that text so that it is swept, stored and compared like any value.
  bool integer_list = false;
};

const std::vector<ConfigField>& config_fields();
// nullptr when no field has this path.
const ConfigField* find_config_field(std::string_view path);
// The names of the keys of one block ("model" -> "type, width, ..."), for error messages.
std::string block_keys(std::string_view block);

// Why `value` is not acceptable for `field` ("must be > 0, got -0.1"); nullopt when it is.
std::optional<std::string> check_value(const ConfigField& field, const ConfigValue& value);

// "[5, 6, 7]" <-> {5, 6, 7}: the text form of an integer_list field.
std::string integer_list_text(const std::vector<int64_t>& list);
std::vector<int64_t> parse_integer_list_text(const std::string& text);

std::string kind_name(ValueKind kind);
std::string value_string(const ConfigValue& value);
// A number for plots and tables; text values have none.
std::optional<double> value_number(const ConfigValue& value);

}  // namespace hpsweep
