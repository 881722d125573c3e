// The names the spec gives its enums (method, distribution, early_terminate.type,
// resources.reducer, the bayes block's preset, weighting and joint_bandwidth): one table per enum,
// read both ways, so the parser, messages and reports cannot disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/spec.h"

namespace hpsweep {

template <typename Enum>
using NameTable = std::vector<std::pair<Enum, std::string>>;

// In the order messages list them. Distribution::values has no name of its own in a spec
// (`values:` alone), so it is not in its table; distribution_name() calls it "values".
const NameTable<SearchMethod>& search_method_names();
const NameTable<Distribution>& distribution_names();
const NameTable<EarlyTerminateKind>& early_terminate_names();  // without `none`
const NameTable<ReducerKind>& reducer_names();
const NameTable<BayesPreset>& bayes_preset_names();
const NameTable<BayesWeighting>& bayes_weighting_names();
const NameTable<BayesJointBandwidth>& bayes_joint_bandwidth_names();

template <typename Enum>
std::optional<Enum> enum_named(const NameTable<Enum>& table, std::string_view name) {
  for (const auto& [value, value_name] : table)
    if (value_name == name) return value;
  return std::nullopt;
}

// "?" for a value the table lacks.
template <typename Enum>
std::string name_of(const NameTable<Enum>& table, Enum value) {
  for (const auto& [table_value, name] : table)
    if (table_value == value) return name;
  return "?";
}

// The names joined by ", ", the last by `last_separator` (", " or " or ").
template <typename Enum>
std::string names_text(const NameTable<Enum>& table, const std::string& last_separator) {
  std::string text;
  for (size_t i = 0; i < table.size(); ++i)
    text += (i == 0 ? "" : i + 1 == table.size() ? last_separator : ", ") + table[i].second;
  return text;
}

std::string search_method_name(SearchMethod method);

}  // namespace hpsweep
