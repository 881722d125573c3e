// YAML -> SweepSpec, validating as it goes. Every problem is one UserError that names the file,
// the 1-based line and column, and the dotted key; the first problem found stops the parse.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/spec.h"

namespace hpsweep {
namespace {

const char* kTopLevelKeys =
    "name, description, seed, method, metric, run_cap, dataset, model, "
    "training, checkpoint, parameters, resources";

class SpecParser {
 public:
  SpecParser(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what) {
    const YAML::Mark mark = node.Mark();
    throw UserError(located_message(source_, mark.line + 1, mark.column + 1, key, what));
  }

  // Iterates a mapping, rejecting duplicate keys; calls visit(key_node, value_node, key).
  template <typename Visit>
  void for_each_entry(const YAML::Node& map, const std::string& where, Visit visit) {
    if (!map.IsMap()) fail(map, where, "expected a mapping of keys to values");
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) fail(it->first, where, "keys must be plain names");
      const std::string key = it->first.Scalar();
      if (!seen.insert(key).second)
        fail(it->first, where.empty() ? key : where + "." + key, "duplicate key");
      visit(it->first, it->second, key);
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar()) fail(node, key, "expected a single value");
    return node.Scalar();
  }

  ConfigValue parse_value(const YAML::Node& node, const std::string& key, ValueKind kind) {
    if (!node.IsScalar()) fail(node, key, "expected a single " + kind_name(kind) + " value");
    const std::string& text = node.Scalar();
    const bool quoted = node.Tag() == "!";
    switch (kind) {
      case ValueKind::text:
        return text;
      case ValueKind::boolean: {
        bool b;
        if (!quoted && YAML::convert<bool>::decode(node, b)) return b;
        fail(node, key, "expected true or false, got '" + text + "'");
      }
      case ValueKind::integer: {
        int64_t i;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
        if (!quoted && ec == std::errc() && end == text.data() + text.size()) return i;
        fail(node, key, "expected an integer, got '" + text + "'");
      }
      case ValueKind::real: {
        int64_t i;
        auto [iend, iec] = std::from_chars(text.data(), text.data() + text.size(), i);
        if (!quoted && iec == std::errc() && iend == text.data() + text.size()) return i;
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (!quoted && !text.empty() && end == text.c_str() + text.size()) return d;
        fail(node, key, "expected a number, got '" + text + "'");
      }
    }
    fail(node, key, "unsupported value");
  }

  ConfigValue parse_field_value(const YAML::Node& node, const ConfigField& field) {
    ConfigValue value = parse_value(node, field.path, field.kind);
    if (auto problem = check_value(field, value)) fail(node, field.path, *problem);
    // "lr: 1" is a real: store it as one, so every trial's value has the field's type.
    return field.kind == ValueKind::real ? real_value(value) : value;
  }

  void parse_block(const YAML::Node& node, const std::string& block, TrialConfig& config) {
    for_each_entry(
        node, block,
        [&](const YAML::Node& key_node, const YAML::Node& value, const std::string& key) {
          const std::string path = block + "." + key;
          const ConfigField* field = find_config_field(path);
          if (!field) fail(key_node, path, "unknown key (known: " + block_keys(block) + ")");
          field->set(config, parse_field_value(value, *field));
        });
  }

  static ConfigValue real_value(const ConfigValue& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    return v;
  }

  ParameterSpec parse_parameter(const YAML::Node& key_node, const YAML::Node& node,
                                const std::string& path) {
    const ConfigField* field = find_config_field(path);
    if (!field) {
      std::string known;
      for (const ConfigField& f : config_fields()) known += (known.empty() ? "" : ", ") + f.path;
      fail(key_node, path, "no such parameter path (known: " + known + ")");
    }
    ParameterSpec param;
    param.path = path;
    // yaml-cpp nodes assign by value, so optional<> holds "the key was given".
    std::optional<YAML::Node> values_node, min_node, max_node, distribution_node;
    for_each_entry(
        node, path, [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "values")
            values_node.emplace(v);
          else if (key == "min")
            min_node.emplace(v);
          else if (key == "max")
            max_node.emplace(v);
          else if (key == "distribution")
            distribution_node.emplace(v);
          else
            fail(k, path + "." + key, "unknown key (known: values, distribution, min, max)");
        });
    if (distribution_node) {
      const std::string name = scalar(*distribution_node, path + ".distribution");
      if (name == "uniform")
        param.distribution = Distribution::uniform;
      else if (name == "log_uniform")
        param.distribution = Distribution::log_uniform;
      else if (name == "int_uniform")
        param.distribution = Distribution::int_uniform;
      else if (name == "categorical")
        param.distribution = Distribution::categorical;
      else
        fail(*distribution_node, path + ".distribution",
             "must be one of uniform, log_uniform, int_uniform, categorical, got '" + name + "'");
    }
    const bool needs_values = param.distribution == Distribution::values ||
                              param.distribution == Distribution::categorical;
    if (needs_values) {
      if (!values_node)
        fail(node, path, "needs `values: [...]` or a `distribution` with `min` and `max`");
      if (min_node || max_node)
        fail(min_node ? *min_node : *max_node, path, "`min`/`max` need a numeric `distribution`");
      if (!values_node->IsSequence() || values_node->size() == 0)
        fail(*values_node, path + ".values", "expected a non-empty list [v1, v2, ...]");
      for (const YAML::Node& v : *values_node) param.values.push_back(parse_field_value(v, *field));
      return param;
    }
    if (values_node)
      fail(*values_node, path + ".values",
           "`values` go with distribution: categorical, not " +
               distribution_name(param.distribution));
    if (!min_node || !max_node)
      fail(node, path, distribution_name(param.distribution) + " needs both `min` and `max`");
    const bool integer = param.distribution == Distribution::int_uniform;
    if (integer && field->kind != ValueKind::integer)
      fail(*distribution_node, path + ".distribution",
           "int_uniform needs an integer parameter; this one is a " + kind_name(field->kind));
    if (!integer && field->kind != ValueKind::real)
      fail(*distribution_node, path + ".distribution",
           distribution_name(param.distribution) + " needs a real parameter; this one is a " +
               kind_name(field->kind));
    // Bounds are sampled inclusively, so each must itself be a valid value.
    const ValueKind bound_kind = integer ? ValueKind::integer : ValueKind::real;
    const ConfigValue min_value = parse_value(*min_node, path + ".min", bound_kind);
    const ConfigValue max_value = parse_value(*max_node, path + ".max", bound_kind);
    if (auto problem = check_value(*field, min_value)) fail(*min_node, path + ".min", *problem);
    if (auto problem = check_value(*field, max_value)) fail(*max_node, path + ".max", *problem);
    param.min = *value_number(min_value);
    param.max = *value_number(max_value);
    if (param.min > param.max)
      fail(*min_node, path + ".min",
           "min (" + value_string(min_value) + ") is greater than max (" + value_string(max_value) +
               ")");
    if (param.distribution == Distribution::log_uniform && param.min <= 0)
      fail(*min_node, path + ".min", "log_uniform needs min > 0, got " + value_string(min_value));
    return param;
  }

  SweepSpec parse(const std::string& text) {
    SweepSpec spec;
    spec.source = source_;
    spec.yaml_text = text;
    spec.name = std::filesystem::path(source_).stem().string();
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw UserError(located_message(source_, e.mark.line + 1, e.mark.column + 1, "",
                                      "malformed YAML: " + e.msg));
    }
    if (!root.IsMap())
      fail(root, "", "the spec must be a YAML mapping (name:, method:, parameters:, ...)");
    std::optional<YAML::Node> method_node, parameters_node;
    for_each_entry(
        root, "", [&](const YAML::Node& key_node, const YAML::Node& value, const std::string& key) {
          if (key == "name")
            spec.name = scalar(value, key);
          else if (key == "description")
            scalar(value, key);
          else if (key == "seed") {
            const int64_t seed = std::get<int64_t>(parse_value(value, key, ValueKind::integer));
            if (seed < 0) fail(value, key, "must be >= 0, got " + std::to_string(seed));
            spec.seed = static_cast<uint64_t>(seed);
          } else if (key == "method") {
            method_node.emplace(value);
            const std::string method = scalar(value, key);
            if (method == "grid")
              spec.method = SearchMethod::grid;
            else if (method == "random")
              spec.method = SearchMethod::random;
            else
              fail(value, key, "must be grid or random, got '" + method + "'");
          } else if (key == "metric") {
            parse_metric(value, spec.metric);
          } else if (key == "run_cap") {
            spec.run_cap = std::get<int64_t>(parse_value(value, key, ValueKind::integer));
            if (spec.run_cap < 1)
              fail(value, key, "must be >= 1, got " + std::to_string(spec.run_cap));
          } else if (key == "dataset" || key == "model" || key == "training" ||
                     key == "checkpoint") {
            parse_block(value, key, spec.base);
          } else if (key == "parameters") {
            parameters_node.emplace(value);
          } else if (key == "resources") {
            parse_resources(value, spec.resources);
          } else {
            fail(key_node, key, std::string("unknown key (known: ") + kTopLevelKeys + ")");
          }
        });
    if (!method_node) fail(root, "method", "missing: say `method: grid` or `method: random`");
    if (parameters_node) {
      for_each_entry(*parameters_node, "parameters",
                     [&](const YAML::Node& k, const YAML::Node& v, const std::string& path) {
                       ParameterSpec param = parse_parameter(k, v, path);
                       if (spec.method == SearchMethod::grid &&
                           param.distribution != Distribution::values &&
                           param.distribution != Distribution::categorical)
                         fail(v, path,
                              "method grid needs `values` for every parameter, not a " +
                                  distribution_name(param.distribution) + " distribution");
                       spec.parameters.push_back(std::move(param));
                     });
    }
    if (spec.method == SearchMethod::random && spec.run_cap == 0)
      fail(*method_node, "run_cap", "method random needs `run_cap` (how many trials to draw)");
    return spec;
  }

  void parse_resources(const YAML::Node& node, ResourcesSpec& resources) {
    for_each_entry(
        node, "resources", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "ranks_per_trial") {
            resources.ranks_per_trial =
                std::get<int64_t>(parse_value(v, "resources.ranks_per_trial", ValueKind::integer));
            if (resources.ranks_per_trial < 1)
              fail(v, "resources.ranks_per_trial",
                   "must be >= 1, got " + std::to_string(resources.ranks_per_trial));
          } else if (key == "max_retries") {
            resources.max_retries =
                std::get<int64_t>(parse_value(v, "resources.max_retries", ValueKind::integer));
            if (resources.max_retries < 0)
              fail(v, "resources.max_retries",
                   "must be >= 0, got " + std::to_string(resources.max_retries));
          } else if (key == "reducer") {
            const std::string reducer = scalar(v, "resources.reducer");
            if (reducer != "fused" && reducer != "bucketed")
              fail(v, "resources.reducer", "must be fused or bucketed, got '" + reducer + "'");
            resources.reducer = reducer == "fused" ? ReducerKind::fused : ReducerKind::bucketed;
          } else {
            fail(k, "resources." + key,
                 "unknown key (known: ranks_per_trial, reducer, max_retries)");
          }
        });
  }

  void parse_metric(const YAML::Node& node, MetricSpec& metric) {
    for_each_entry(
        node, "metric", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "name") {
            metric.name = scalar(v, "metric.name");
            if (metric.name != "test_error" && metric.name != "test_loss" &&
                metric.name != "train_error" && metric.name != "train_loss")
              fail(v, "metric.name",
                   "must be one of test_error, test_loss, train_error, train_loss, got '" +
                       metric.name + "'");
          } else if (key == "goal") {
            const std::string goal = scalar(v, "metric.goal");
            if (goal != "minimize" && goal != "maximize")
              fail(v, "metric.goal", "must be minimize or maximize, got '" + goal + "'");
            metric.minimize = goal == "minimize";
          } else {
            fail(k, "metric." + key, "unknown key (known: name, goal)");
          }
        });
  }

 private:
  std::string source_;
};

}  // namespace

SweepSpec parse_spec(const std::string& yaml_text, const std::string& source_name) {
  return SpecParser(source_name).parse(yaml_text);
}

SweepSpec load_spec_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open the spec file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), path);
}

std::string distribution_name(Distribution distribution) {
  switch (distribution) {
    case Distribution::values:
      return "values";
    case Distribution::categorical:
      return "categorical";
    case Distribution::uniform:
      return "uniform";
    case Distribution::log_uniform:
      return "log_uniform";
    case Distribution::int_uniform:
      return "int_uniform";
  }
  return "?";
}

}  // namespace hpsweep
