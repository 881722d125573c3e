// YAML -> SweepSpec, validating as it goes. Every problem is one UserError that names the file,
// the 1-based line and column, and the dotted key; the first problem found stops the parse.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "common/command_template.h"
#include "common/conditions.h"
#include "common/dataset_types.h"
#include "common/distribution_kinds.h"
#include "common/error.h"
#include "common/finetune_fields.h"
#include "common/language_model_rules.h"
#include "common/layer_spec_parser.h"
#include "common/lr_schedule_rules.h"
#include "common/metrics.h"
#include "common/model_types.h"
#include "common/models/tiny_ssd.h"
#include "common/program_arguments.h"
#include "common/spec.h"
#include "common/spec_limits.h"
#include "common/spec_names.h"
#include "common/status_address.h"
#include "common/wandb_keys.h"

namespace hpsweep {
namespace {

// A YAML scalar's text as a whole integer or real number, if it is one (yaml-cpp's own
// conversions accept trailing text).
std::optional<int64_t> integer_text(const std::string& text) {
  int64_t i;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (ec == std::errc() && end == text.data() + text.size()) return i;
  return std::nullopt;
}

std::optional<double> real_text(const std::string& text) {
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) return d;
  return std::nullopt;
}

const char* kTopLevelKeys =
    "name, description, seed, method, metric, run_cap, repeats, dataset, model, "
    "training, checkpoint, simulated, args, parameters, resources, early_terminate, pbt, bayes, "
    "limits, status";

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
    if (kind == ValueKind::integer_list) {
      if (!node.IsSequence()) fail(node, key, "expected a list of integers [a, b, ...]");
      std::vector<int64_t> items;
      for (const YAML::Node& item : node)
        items.push_back(std::get<int64_t>(parse_value(item, key, ValueKind::integer)));
      return integer_list_text(items);
    }
    if (kind == ValueKind::name_list) {
      if (!node.IsSequence()) fail(node, key, "expected a list of layer names [a, b, ...]");
      std::vector<std::string> names;
      for (const YAML::Node& item : node) names.push_back(layer_name(item, key));
      return name_list_text(names);
    }
    if (kind == ValueKind::multiplier_map) {
      std::vector<std::pair<std::string, double>> entries;
      for_each_entry(node, key, [&](const YAML::Node& k, const YAML::Node& v, const std::string&) {
        const std::string name = layer_name(k, key);
        entries.emplace_back(name,
                             *value_number(parse_value(v, key + "." + name, ValueKind::real)));
      });
      return multiplier_map_text(entries);
    }
    if (!node.IsScalar()) fail(node, key, "expected a single " + kind_name(kind) + " value");
    const std::string& text = node.Scalar();
    const bool quoted = node.Tag() == "!";
    switch (kind) {
      case ValueKind::text:
      case ValueKind::integer_list:  // read above
      case ValueKind::name_list:
      case ValueKind::multiplier_map:
        return text;
      case ValueKind::boolean: {
        bool b;
        if (!quoted && YAML::convert<bool>::decode(node, b)) return b;
        fail(node, key, "expected true or false, got '" + text + "'");
      }
      case ValueKind::integer: {
        if (const auto i = integer_text(text); i && !quoted) return *i;
        const auto d = real_text(text);
        if (!quoted && d && *d == std::floor(*d) && std::abs(*d) < 1e18)
          fail(node, key,
               "expected an integer, got '" + text +
                   "' (write it out: " + std::to_string(static_cast<int64_t>(*d)) + ")");
        fail(node, key, "expected an integer, got '" + text + "'");
      }
      case ValueKind::real: {
        if (const auto i = integer_text(text); i && !quoted) return *i;
        if (const auto d = real_text(text); d && !quoted) return *d;
        fail(node, key, "expected a number, got '" + text + "'");
      }
    }
    fail(node, key, "unsupported value");
  }

  // A layer name of training.finetune's lists and maps (common/finetune_fields.h).
  std::string layer_name(const YAML::Node& node, const std::string& key) {
    const std::string name = scalar(node, key);
    if (auto problem = layer_name_problem(name)) fail(node, key, *problem);
    return name;
  }

  ConfigValue parse_field_value(const YAML::Node& node, const ConfigField& field) {
    if (node.IsScalar())
      for (const auto& [word, word_value] : field.words)
        if (node.Scalar() == word) return word_value;
    ConfigValue value = parse_value(node, field.path, field.kind);
    if (auto problem = check_value(field, value)) fail(node, field.path, *problem);
    // "lr: 1" is a real: store it as one, so every trial's value has the field's type.
    return field.kind == ValueKind::real ? real_value(value) : value;
  }

  // The values a text field takes in the sweep: those swept, else the one given (or default).
  static std::vector<std::string> texts_of(const SweepSpec& spec, const std::string& path,
                                           const std::string& given) {
    for (const ParameterSpec& p : spec.parameters)
      if (p.path == path) {
        std::vector<std::string> texts;
        for (const ConfigValue& v : p.values) texts.push_back(std::get<std::string>(v));
        return texts;
      }
    return {given};
  }

  // dataset.classes and dataset.train_per_class against the dataset (given or swept): it must
  // have classes, and each listed class must be one of them.
  void check_class_subset(const SweepSpec& spec) {
    const std::vector<std::string> names = texts_of(spec, "dataset.name", spec.base.dataset.name);
    for (const char* key : {"dataset.classes", "dataset.train_per_class"}) {
      const auto node = value_nodes_.find(key);
      if (node == value_nodes_.end()) continue;
      for (const std::string& name : names) {
        const DatasetType& type = *find_dataset_type(name);
        if (type.classes == 0)
          fail(node->second, key, "the " + name + " set has real targets, not classes");
        for (const YAML::Node& element : listed_classes(node->second))
          if (std::stoll(element.Scalar()) >= type.classes)
            fail(element, key,
                 "class " + element.Scalar() + " is not one of " + name + "'s classes 0.." +
                     std::to_string(type.classes - 1));
      }
    }
  }

  // A detection set (dataset.name) needs a detector (tiny-ssd, or simulated or command, which
  // read no data), and a detector a detection set; refused here rather than when a trial starts.
  void check_detection_model(const SweepSpec& spec) {
    for (const std::string& name : texts_of(spec, "dataset.name", spec.base.dataset.name)) {
      const bool detection = find_dataset_type(name)->detection;
      for (const std::string& model : texts_of(spec, "model.type", spec.base.model.type)) {
        if (detection && model != kTinySsdType && model != ModelConfig::kSimulatedType &&
            model != ModelConfig::kCommandType)
          fail(value_nodes_.at("dataset.name"), "dataset.name",
               name + " needs a detector (model.type tiny-ssd), got model.type " + model);
        if (!detection && model == kTinySsdType)
          fail(value_nodes_.at("model.type"), "model.type",
               "tiny-ssd needs a detection set (dataset.name fmnist-detection), got " + name);
      }
    }
    const std::vector<std::string> models = texts_of(spec, "model.type", spec.base.model.type);
    if (std::find(models.begin(), models.end(), kTinySsdType) != models.end()) return;
    for (const char* key : {"model.anchor_size_min", "model.anchor_size_max", "model.anchor_ratio"})
      if (const auto node = value_nodes_.find(key); node != value_nodes_.end())
        fail(node->second, key, "applies to model.type tiny-ssd only, got " + models.front());
  }

  // The class nodes of dataset.classes, given (a list) or swept (lists under `values`, or
  // constant's `value`).
  static std::vector<YAML::Node> listed_classes(const YAML::Node& node) {
    std::vector<YAML::Node> elements;
    const auto add = [&](const YAML::Node& list) {
      if (list.IsSequence())
        for (const YAML::Node& e : list) elements.push_back(e);
    };
    if (node.IsMap() && node["values"])
      for (const YAML::Node& list : node["values"]) add(list);
    else if (node.IsMap() && node["value"])
      add(node["value"]);
    else
      add(node);
    return elements;
  }

  void parse_block(const YAML::Node& node, const std::string& block, TrialConfig& config) {
    for_each_entry(
        node, block,
        [&](const YAML::Node& key_node, const YAML::Node& value, const std::string& key) {
          const std::string path = block + "." + key;
          if (path == "model.layers") {
            config.model.layers =
                std::make_shared<const LayerList>(parse_layer_list(value, source_));
            value_nodes_[path] = value;
            return;
          }
          if (path == "model.command") {
            config.model.command = command_list(value, config);
            value_nodes_[path] = value;
            return;
          }
          const ConfigField* field = find_config_field(path);
          if (!field && !block_keys(path).empty()) return parse_block(value, path, config);
          if (!field) fail(key_node, path, "unknown key (known: " + block_keys(block) + ")");
          // An alias and its field both given: the only alias is init_from.
          if (value_nodes_.count(field->path))
            fail(key_node, path, "given twice (training.init_from is training.finetune.from)");
          field->set(config, parse_field_value(value, *field));
          value_nodes_[field->path] = value;
        });
  }

  // `args:` (common/program_arguments.h): names and default values; a value's YAML form gives
  // the argument's kind, as a config field's kind is fixed: true/false, an integer, a number,
  // or text (anything else, or quoted).
  void parse_program_arguments(const YAML::Node& node, TrialConfig& config) {
    if (!node.IsMap())
      fail(node, "args", "expected a mapping of the program's argument names to default values");
    for_each_entry(node, "args",
                   [&](const YAML::Node& k, const YAML::Node& v, const std::string& name) {
                     if (auto problem = program_argument_name_problem(name))
                       fail(k, "args", *problem);
                     const std::string path = std::string(kProgramArgumentPrefix) + name;
                     if (!v.IsScalar())
                       fail(v, path, "expected a single value: a number, true or false, or text");
                     const ValueKind kind = written_kind(v);
                     declare_program_argument(name, kind).set(config, parse_value(v, path, kind));
                     value_nodes_[path] = v;
                   });
  }

  static ValueKind written_kind(const YAML::Node& scalar) {
    if (scalar.Tag() == "!") return ValueKind::text;
    bool b;
    if (YAML::convert<bool>::decode(scalar, b)) return ValueKind::boolean;
    if (integer_text(scalar.Scalar())) return ValueKind::integer;
    if (real_text(scalar.Scalar())) return ValueKind::real;
    return ValueKind::text;
  }

  // An `args.NAME` path must be declared by this spec: the process may know others (the field
  // rows outlive a spec, common/program_arguments.h).
  void check_declared_argument(const YAML::Node& place, const std::string& path,
                               const TrialConfig& config) {
    if (!path.starts_with(kProgramArgumentPrefix)) return;
    if (config.args.count(path.substr(kProgramArgumentPrefix.size()))) return;
    std::string declared;
    for (const auto& [name, value] : config.args) declared += (declared.empty() ? "" : ", ") + name;
    fail(place, path,
         "not declared in the `args:` block (" +
             (declared.empty() ? std::string("which declares none") : "declared: " + declared) +
             ")");
  }

  // model.command: a list of texts, each placeholder known (common/command_template.h).
  std::vector<std::string> command_list(const YAML::Node& node, const TrialConfig& config) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, "model.command", "expected a list: the program and its arguments");
    std::vector<std::string> argv;
    for (const YAML::Node& element : node) {
      if (!element.IsScalar()) fail(element, "model.command", "expected text");
      if (auto problem = command_argument_problem(element.Scalar(), config))
        fail(element, "model.command", *problem);
      argv.push_back(element.Scalar());
    }
    return argv;
  }

  // model.type command goes with model.command and back, is not swept, and runs one process
  // per trial (docs/command-trials.md).
  void check_command_trials(const YAML::Node& root, const SweepSpec& spec) {
    const bool runs = spec.base.model.runs_program();
    for (const std::string& type : texts_of(spec, "model.type", spec.base.model.type))
      if (type == ModelConfig::kCommandType && !runs)
        fail(value_nodes_.at("model.type"), "model.type",
             "command cannot be swept: give `model.type: command` in the model block");
    const auto command = value_nodes_.find("model.command");
    if (command != value_nodes_.end() && !runs)
      fail(command->second, "model.command", "goes with `model.type: command`");
    if (args_node_ && !runs)
      fail(*args_node_, "args",
           "only with `model.type: command`: the arguments of model.command's program");
    if (!runs) return;
    if (command == value_nodes_.end())
      fail(value_nodes_.at("model.type"), "model.command",
           "missing: model.type command needs the program to run (`model.command: [...]`)");
    // A program starts from its own state only (docs/command-trials.md).
    const auto from = value_nodes_.find("training.finetune.from");
    if (from != value_nodes_.end())
      fail(from->second, "training.finetune.from",
           "command trials start from their program's own state, not from a checkpoint");
    const auto ranks = value_nodes_.find("resources.ranks_per_trial");
    if (spec.resources.ranks_per_trial > 1)
      fail(ranks == value_nodes_.end() ? root : ranks->second, "resources.ranks_per_trial",
           "command trials run one program per trial on one rank; got " +
               std::to_string(spec.resources.ranks_per_trial));
  }

  static std::string percent_text(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2g%%", 100 * fraction);
    return text;
  }

  static ConfigValue real_value(const ConfigValue& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    return v;
  }

  // `parameters:` in file order; W&B's nested `NAME: {parameters: {...}}` stands for the dotted
  // paths NAME.KEY, so `training: {parameters: {lr: ...}}` sweeps training.lr.
  void parse_parameters(const YAML::Node& node, const std::string& prefix, SweepSpec& spec,
                        std::vector<std::optional<YAML::Node>>& when_nodes) {
    const std::string where = prefix.empty() ? "parameters" : prefix + "parameters";
    for_each_entry(node, where,
                   [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
                     const std::string path = prefix + key;
                     if (!v.IsMap() || !v["parameters"])
                       return parse_swept(k, v, path, spec, when_nodes);
                     if (v.size() != 1)
                       fail(v, path, "a nested `parameters:` block takes no other keys");
                     parse_parameters(v["parameters"], path + ".", spec, when_nodes);
                   });
  }

  void parse_swept(const YAML::Node& k, const YAML::Node& v, const std::string& written,
                   SweepSpec& spec, std::vector<std::optional<YAML::Node>>& when_nodes) {
    check_declared_argument(k, written, spec.base);
    // An alias (training.init_from) is its field's path from here on.
    const ConfigField* field = find_config_field(written);
    const std::string path = field ? field->path : written;
    if (std::any_of(spec.parameters.begin(), spec.parameters.end(),
                    [&](const ParameterSpec& p) { return p.path == path; }))
      fail(k, path,
           written == path ? "swept twice (nested and dotted)"
                           : "swept twice (" + written + " is " + path + ")");
    ParameterSpec param = parse_parameter(k, v, written, &when_nodes.emplace_back());
    // W&B's `value: v` without conditions fixes the field, as the blocks do, so that it can
    // set what a sweep may not vary (training.epochs with early_terminate).
    if (param.distribution == Distribution::constant && !when_nodes.back()) {
      if (value_nodes_.count(path))
        fail(v, path,
             "also given in the " + path.substr(0, path.find('.')) + " block; give it once");
      find_config_field(path)->set(spec.base, param.values.front());
      value_nodes_[path] = v;
      when_nodes.pop_back();
      return;
    }
    value_nodes_[path] = v;
    if (spec.method == SearchMethod::grid &&
        shape_of(param.distribution) != DistributionShape::listed)
      fail(v, path,
           "method grid needs `values` (or `value`) for every parameter, not a " +
               distribution_name(param.distribution) + " distribution");
    spec.parameters.push_back(std::move(param));
  }

  // The distribution W&B infers where none is named: `value` constant, `values` categorical,
  // `min` and `max` int_uniform when both are integers and uniform otherwise.
  Distribution inferred_distribution(const YAML::Node& node, const std::string& path,
                                     const std::map<std::string, YAML::Node>& given) {
    if (given.count("value")) return Distribution::constant;
    if (given.count("values")) return Distribution::values;
    if (given.count("min") && given.count("max")) {
      const auto integer = [](const YAML::Node& bound) {
        int64_t i;
        const std::string& text = bound.IsScalar() ? bound.Scalar() : "";
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
        return bound.Tag() != "!" && ec == std::errc() && end == text.data() + text.size();
      };
      return integer(given.at("min")) && integer(given.at("max")) ? Distribution::int_uniform
                                                                  : Distribution::uniform;
    }
    if (given.count("mu") || given.count("sigma"))
      fail(node, path,
           "`mu` and `sigma` need a `distribution` (normal, q_normal, log_normal or "
           "q_log_normal)");
    fail(node, path,
         "needs `values: [...]`, `value: v`, or `min` and `max` (with a `distribution`)");
  }

  // A key the distribution does not read is an error at that key.
  void check_keys_fit(const std::map<std::string, YAML::Node>& given, const std::string& path,
                      Distribution distribution) {
    const std::string name = distribution_name(distribution);
    const DistributionShape shape = shape_of(distribution);
    for (const auto& [key, value] : given) {
      std::string problem;
      if (key == "q" && !is_quantized(distribution))
        problem =
            "`q` goes with a quantized distribution (q_uniform, q_log_uniform, "
            "q_log_uniform_values, q_normal or q_log_normal), not " +
            name;
      else if ((key == "mu" || key == "sigma") && shape != DistributionShape::gaussian)
        problem =
            "`mu` and `sigma` go with distribution normal, q_normal, log_normal or "
            "q_log_normal, not " +
            name;
      else if ((key == "min" || key == "max") && shape != DistributionShape::bounded)
        problem =
            "`min` and `max` go with a bounded distribution (uniform, log_uniform, ...), "
            "not " +
            name;
      else if (key == "values" && distribution != Distribution::values &&
               distribution != Distribution::categorical)
        problem = "`values` go with distribution categorical, not " + name;
      else if (key == "value" && distribution != Distribution::constant)
        problem = "`value` goes with distribution constant, not " + name;
      if (!problem.empty()) fail(value, path + "." + key, problem);
    }
  }

  // `when_node` receives the parameter's `when:` block, read once every swept parameter is
  // known; null (PBT's mutations) rejects one.
  ParameterSpec parse_parameter(const YAML::Node& key_node, const YAML::Node& node,
                                const std::string& path,
                                std::optional<YAML::Node>* when_node = nullptr) {
    const ConfigField* field = find_config_field(path);
    if (!field) {
      std::string known;
      for (const ConfigField& f : config_fields()) known += (known.empty() ? "" : ", ") + f.path;
      fail(key_node, path, "no such parameter path (known: " + known + ")");
    }
    ParameterSpec param;
    param.path = field->path;                 // an alias's field
    std::map<std::string, YAML::Node> given;  // the keys but `distribution` and `when`
    std::optional<YAML::Node> distribution_node;
    for_each_entry(
        node, path, [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "distribution")
            distribution_node.emplace(v);
          else if (key == "when" && when_node)
            when_node->emplace(v);
          else if (key == "when")
            fail(
                k, path + ".when",
                "conditions go under `parameters`; a mutation follows those of the swept parameter "
                "of its path");
          else if (key == "probabilities")
            fail(k, path + ".probabilities",
                 "W&B's weighted categorical is not supported; without `probabilities` each value "
                 "is "
                 "drawn with equal probability");
          else if (key == "values" || key == "value" || key == "min" || key == "max" ||
                   key == "q" || key == "mu" || key == "sigma")
            given.emplace(key, v);
          else
            fail(k, path + "." + key,
                 "unknown key (known: values, value, distribution, min, max, q, mu, sigma, when)");
        });
    if (distribution_node) {
      const std::string name = scalar(*distribution_node, path + ".distribution");
      const std::optional<Distribution> distribution = enum_named(distribution_names(), name);
      if (!distribution)
        fail(*distribution_node, path + ".distribution",
             "must be one of " + names_text(distribution_names(), ", ") + ", got '" + name + "'");
      param.distribution = *distribution;
    } else {
      param.distribution = inferred_distribution(node, path, given);
    }
    check_keys_fit(given, path, param.distribution);
    const YAML::Node& distribution_place = distribution_node ? *distribution_node : node;
    switch (shape_of(param.distribution)) {
      case DistributionShape::listed:
        parse_listed(node, given, *field, param);
        break;
      case DistributionShape::gaussian:
        parse_gaussian(node, distribution_place, given, *field, param);
        break;
      case DistributionShape::bounded:
        parse_bounded(node, distribution_place, given, *field, param);
        break;
    }
    return param;
  }

  static std::optional<YAML::Node> given_key(const std::map<std::string, YAML::Node>& given,
                                             const std::string& key) {
    const auto it = given.find(key);
    return it == given.end() ? std::nullopt : std::optional<YAML::Node>(it->second);
  }

  // `values: [...]` (plain or categorical) or constant's `value: v`, kept as a list of one.
  void parse_listed(const YAML::Node& node, const std::map<std::string, YAML::Node>& given,
                    const ConfigField& field, ParameterSpec& param) {
    const std::string& path = param.path;
    if (param.distribution == Distribution::constant) {
      const std::optional<YAML::Node> value = given_key(given, "value");
      if (!value) fail(node, path, "constant needs `value: v`");
      param.values.push_back(parse_field_value(*value, field));
      return;
    }
    const std::optional<YAML::Node> values = given_key(given, "values");
    if (!values) fail(node, path, "categorical needs `values: [...]`");
    if (!values->IsSequence() || values->size() == 0)
      fail(*values, path + ".values", "expected a non-empty list [v1, v2, ...]");
    for (const YAML::Node& v : *values) param.values.push_back(parse_field_value(v, field));
  }

  // The normal family: mu and sigma default to W&B's 0 and 1; a draw the field does not accept
  // is drawn again (coordinator/distributions.h), so enough of them must be valid.
  void parse_gaussian(const YAML::Node& node, const YAML::Node& distribution_place,
                      const std::map<std::string, YAML::Node>& given, const ConfigField& field,
                      ParameterSpec& param) {
    const std::string& path = param.path;
    const std::string name = distribution_name(param.distribution);
    if (field.kind != ValueKind::real)
      fail(distribution_place, path + ".distribution",
           name + " needs a real parameter; this one's kind is " + kind_name(field.kind));
    const std::optional<YAML::Node> mu_node = given_key(given, "mu");
    const std::optional<YAML::Node> sigma_node = given_key(given, "sigma");
    if (mu_node) param.mu = *value_number(parse_value(*mu_node, path + ".mu", ValueKind::real));
    if (sigma_node)
      param.sigma = *value_number(parse_value(*sigma_node, path + ".sigma", ValueKind::real));
    const bool plain =
        param.distribution == Distribution::normal || param.distribution == Distribution::q_normal;
    if (auto problem = check_value(field, param.mu); problem && plain)
      fail(mu_node ? *mu_node : node, path + ".mu",
           *problem + (mu_node ? "" : " (mu defaults to 0)"));
    if (param.sigma <= 0)
      fail(sigma_node ? *sigma_node : node, path + ".sigma",
           "must be > 0, got " + value_string(param.sigma));
    if (const std::optional<YAML::Node> q = given_key(given, "q")) {
      param.q = *value_number(parse_value(*q, path + ".q", ValueKind::real));
      if (param.q <= 0) fail(*q, path + ".q", "must be > 0, got " + value_string(param.q));
    }
    const double valid = valid_fraction(param, field);
    if (valid < 0.01)
      fail(sigma_node ? *sigma_node : node, path + ".sigma",
           "too wide: only " + percent_text(valid) +
               " of the draws would be valid values; make it smaller");
  }

  // min and max: values, or ln-exponents for log_uniform, q_log_uniform and inv_log_uniform.
  void parse_bounded(const YAML::Node& node, const YAML::Node& distribution_place,
                     const std::map<std::string, YAML::Node>& given, const ConfigField& field,
                     ParameterSpec& param) {
    const std::string& path = param.path;
    const std::string name = distribution_name(param.distribution);
    const std::optional<YAML::Node> min_node = given_key(given, "min");
    const std::optional<YAML::Node> max_node = given_key(given, "max");
    if (!min_node || !max_node) fail(node, path, name + " needs both `min` and `max`");
    const bool quantized = is_quantized(param.distribution);
    // q_ distributions take the field's type: a multiple of q, rounded for integers.
    const bool integer = param.distribution == Distribution::int_uniform ||
                         (quantized && field.kind == ValueKind::integer);
    if (param.distribution == Distribution::int_uniform && field.kind != ValueKind::integer)
      fail(distribution_place, path + ".distribution",
           "int_uniform needs an integer parameter; this one's kind is " + kind_name(field.kind) +
               (!node["distribution"]
                    ? " (W&B reads integer `min` and `max` as int_uniform: write 0.0, or say "
                      "`distribution: uniform`)"
                    : ""));
    if (!integer && field.kind != ValueKind::real)
      fail(distribution_place, path + ".distribution",
           name + " needs a " + (quantized ? "numeric" : "real") +
               " parameter; this one's kind is " + kind_name(field.kind));
    const bool log_bounds = takes_log_bounds(param.distribution);
    // Values are sampled inclusively, so each bound must itself be a valid value; ln-bounds
    // are checked by what they give (log_bounds_mistake).
    const ValueKind bound_kind = integer && !log_bounds ? ValueKind::integer : ValueKind::real;
    const ConfigValue min_value = parse_value(*min_node, path + ".min", bound_kind);
    const ConfigValue max_value = parse_value(*max_node, path + ".max", bound_kind);
    if (!log_bounds) {
      if (auto problem = check_value(field, min_value)) fail(*min_node, path + ".min", *problem);
      if (auto problem = check_value(field, max_value)) fail(*max_node, path + ".max", *problem);
    }
    param.min = *value_number(min_value);
    param.max = *value_number(max_value);
    if (param.min > param.max)
      fail(*min_node, path + ".min",
           "min (" + value_string(min_value) + ") is greater than max (" + value_string(max_value) +
               ")");
    const bool log_values = param.distribution == Distribution::log_uniform_values ||
                            param.distribution == Distribution::q_log_uniform_values ||
                            param.distribution == Distribution::inv_log_uniform_values;
    if (log_values && param.min <= 0)
      fail(*min_node, path + ".min", name + " needs min > 0, got " + value_string(min_value));
    if (auto mistake = log_bounds_mistake(param, field))
      fail(distribution_place, path + ".distribution", *mistake);
    if (const std::optional<YAML::Node> q = given_key(given, "q")) {
      param.q = *value_number(
          parse_value(*q, path + ".q", integer ? ValueKind::integer : ValueKind::real));
      if (param.q <= 0) fail(*q, path + ".q", "must be > 0, got " + value_string(param.q));
    }
    const ValueBounds bounds = value_bounds(param);
    if (quantized && std::ceil(bounds.lo / param.q - 1e-9) > std::floor(bounds.hi / param.q + 1e-9))
      fail(given.count("q") ? given.at("q") : node, path + ".q",
           "no multiple of " + value_string(param.q) + " lies in [" + value_string(bounds.lo) +
               ", " + value_string(bounds.hi) + "]");
  }

  // The 1-based line where a second YAML document starts (a `---` after content), 0 when the
  // text holds one. Lexical, because yaml-cpp 0.7's LoadAll never returns on some inputs
  // (the fuzzer found "!,") while Load does.
  static int second_document_line(const std::string& text) {
    const auto is_marker = [](const std::string& line, const char* marker) {
      return line.rfind(marker, 0) == 0 &&
             (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    };
    std::istringstream lines(text);
    bool content = false, ended = false;  // ended: a `...` closed the first document
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      if (is_marker(line, "---")) {
        if (content) return number + 1;
        continue;
      }
      if (is_marker(line, "...")) {
        ended = content;
        continue;
      }
      const size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#' || line[0] == '%') continue;
      if (ended) return number;
      content = true;
    }
    return 0;
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
    if (root.IsNull())
      throw UserError(source_ +
                      ": empty file (a spec is a YAML mapping: name:, method:, parameters:, ...)");
    if (const int line = second_document_line(text))
      throw UserError(located_message(
          source_, line, 1, "",
          "a second YAML document; a spec is one document (remove the `---` or `...` before this "
          "line)"));
    if (!root.IsMap())
      fail(root, "", "the spec must be a YAML mapping (name:, method:, parameters:, ...)");
    std::optional<YAML::Node> method_node, parameters_node, run_cap_node, early_node, pbt_node,
        simulated_node, metric_node, repeats_node, bayes_node;
    // Before the model block, whose command may name them.
    if (root["args"]) parse_program_arguments(root["args"], spec.base);
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
            const std::optional<SearchMethod> named = enum_named(search_method_names(), method);
            if (!named)
              fail(value, key,
                   "must be " + names_text(search_method_names(), " or ") + ", got '" + method +
                       "'");
            spec.method = *named;
          } else if (key == "metric") {
            metric_node.emplace(value);
            parse_metric(value, spec.metric);
          } else if (key == "repeats") {
            repeats_node.emplace(value);
            spec.repeats = std::get<int64_t>(parse_value(value, key, ValueKind::integer));
            if (spec.repeats < 1)
              fail(value, key, "must be >= 1, got " + std::to_string(spec.repeats));
          } else if (key == "run_cap") {
            run_cap_node.emplace(value);
            value_nodes_[key] = value;
            spec.run_cap = std::get<int64_t>(parse_value(value, key, ValueKind::integer));
            if (spec.run_cap < 1)
              fail(value, key, "must be >= 1, got " + std::to_string(spec.run_cap));
          } else if (key == "dataset" || key == "model" || key == "training" ||
                     key == "checkpoint" || key == "simulated") {
            if (key == "simulated") simulated_node.emplace(key_node);
            parse_block(value, key, spec.base);
          } else if (key == "args") {
            args_node_.emplace(key_node);  // read above
          } else if (key == "parameters") {
            parameters_node.emplace(value);
            value_nodes_[key] = value;
          } else if (key == "resources") {
            parse_resources(value, spec.resources);
          } else if (key == "early_terminate") {
            early_node.emplace(value);
          } else if (key == "pbt") {
            pbt_node.emplace(value);
          } else if (key == "bayes") {
            bayes_node.emplace(value);
          } else if (key == "limits") {
            parse_limits(value, spec.limits);
          } else if (key == "status") {
            parse_status(value, spec.status);
          } else if (is_ignored_wandb_key(key)) {
            ignored_keys_.push_back(key);
          } else {
            fail(key_node, key, std::string("unknown key (known: ") + kTopLevelKeys + ")");
          }
        });
    if (!method_node) fail(root, "method", "missing: say `method: grid` or `method: random`");
    std::vector<std::optional<YAML::Node>> when_nodes;  // by parameter
    if (parameters_node) parse_parameters(*parameters_node, "", spec, when_nodes);
    parse_conditions(when_nodes, spec.parameters);
    if (simulated_node && !spec.base.model.simulated() &&
        std::none_of(spec.parameters.begin(), spec.parameters.end(),
                     [](const ParameterSpec& p) { return p.path == "model.type"; }))
      fail(*simulated_node, "simulated", "only with `model.type: simulated`");
    if (spec.method == SearchMethod::random && spec.run_cap == 0)
      fail(*method_node, "run_cap", "method random needs `run_cap` (how many trials to draw)");
    // Blocks that depend on training.epochs and the method are read once those are known.
    if (early_node) parse_early_terminate(*early_node, spec);
    if (spec.method == SearchMethod::pbt) {
      if (!pbt_node) fail(*method_node, "pbt", "method pbt needs a `pbt:` block");
      if (run_cap_node) fail(*run_cap_node, "run_cap", "method pbt takes `pbt.population` instead");
      if (early_node) fail(*early_node, "early_terminate", "does not combine with method pbt");
      // PBT's members copy each other's weights: its trials are not independent repeats.
      if (repeats_node && spec.repeats > 1)
        fail(*repeats_node, "repeats", "does not combine with method pbt");
      if (spec.base.dataset.kfold > 0)
        fail(root, "dataset.kfold", "does not combine with method pbt");
      parse_pbt(*pbt_node, spec);
      for (ParameterSpec& m : spec.pbt.mutations)
        for (const ParameterSpec& p : spec.parameters)
          if (p.path == m.path) m.when = p.when;
      spec.run_cap = spec.pbt.population;
    } else if (pbt_node) {
      fail(*pbt_node, "pbt", "only with `method: pbt`");
    }
    if (metric_node) check_metric_has_curve(*metric_node, spec);
    check_class_subset(spec);
    check_detection_model(spec);
    check_lr_schedule(root, spec);
    check_language_model(root, spec);
    check_written_network(root, spec);
    check_command_trials(root, spec);
    for (const ParameterSpec& p : spec.parameters)
      if (p.path == "dataset.kfold")
        fail(*parameters_node, "parameters.dataset.kfold",
             "the folds are the trials of one configuration: set dataset.kfold, do not sweep it");
    if (early_node || spec.method == SearchMethod::pbt)
      for (const ParameterSpec& p : spec.parameters)
        if (p.path == "training.epochs")
          fail(*parameters_node, "parameters.training.epochs",
               "epochs are the scheduler's resource and cannot be swept with " +
                   std::string(early_node ? "early_terminate" : "method pbt"));
    if (spec.method == SearchMethod::bayes)
      check_bayes(*method_node, repeats_node, bayes_node, spec);
    else if (bayes_node)
      fail(*bayes_node, "bayes", "only with `method: bayes`");
    check_limits(root, spec);
    if (!ignored_keys_.empty())
      spec.warnings.push_back(ignored_keys_warning(source_, ignored_keys_));
    for (const auto& [key, node] : value_nodes_)
      spec.key_places[key] = {node.Mark().line + 1, node.Mark().column + 1};
    return spec;
  }

  // model.layers goes with model.type sequential, given or among the swept types, and that
  // type needs it.
  void check_written_network(const YAML::Node& root, const SweepSpec& spec) {
    const std::vector<std::string> types = texts_of(spec, "model.type", spec.base.model.type);
    const bool sequential = std::find(types.begin(), types.end(), kSequentialType) != types.end();
    const auto layers = value_nodes_.find("model.layers");
    if (layers != value_nodes_.end() && !sequential) {
      std::string named;
      for (const std::string& t : types) named += (named.empty() ? "" : ", ") + t;
      fail(layers->second, "model.layers",
           "goes with `model.type: sequential`; model.type is " + named);
    }
    if (sequential && layers == value_nodes_.end()) {
      const auto type = value_nodes_.find("model.type");
      fail(type != value_nodes_.end() ? type->second : root, "model.layers",
           "missing: model.type sequential needs its layers (`model.layers: [...]`, "
           "docs/models.md)");
    }
  }

  void parse_limits(const YAML::Node& node, LimitsSpec& limits) {
    for_each_entry(node, "limits",
                   [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
                     if (key == "max_trials")
                       limits.max_trials = integer_at_least(v, "limits.max_trials", 1);
                     else if (key == "max_parameters")
                       limits.max_parameters = integer_at_least(v, "limits.max_parameters", 1);
                     else if (key == "max_data_bytes")
                       limits.max_data_bytes = integer_at_least(v, "limits.max_data_bytes", 1);
                     else
                       fail(k, "limits." + key,
                            "unknown key (known: max_trials, max_parameters, max_data_bytes)");
                   });
  }

  void parse_status(const YAML::Node& node, StatusSpec& status) {
    for_each_entry(node, "status",
                   [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
                     if (key == "address") {
                       status.address = scalar(v, "status.address");
                       if (!parse_status_address(status.address))
                         fail(v, "status.address",
                              std::string(kStatusAddressForm) + ", got '" + status.address + "'");
                     } else if (key == "token_file") {
                       status.token_file = scalar(v, "status.token_file");
                       if (status.token_file.empty())
                         fail(v, "status.token_file", "expected a file name");
                     } else {
                       fail(k, "status." + key, "unknown key (known: address, token_file)");
                     }
                   });
  }

  // Trials, model size and a drawn dataset's size against `limits`, counted without expanding,
  // building or drawing anything.
  void check_limits(const YAML::Node& root, const SweepSpec& spec) {
    const TrialCount count = count_trials(spec, static_cast<double>(spec.limits.max_trials));
    if (count.trials > static_cast<double>(spec.limits.max_trials)) {
      const char* key = spec.method == SearchMethod::pbt    ? "pbt.population"
                        : spec.method != SearchMethod::grid ? "run_cap"
                                                            : "parameters";
      const auto node = value_nodes_.find(key);
      fail(node == value_nodes_.end() ? root : node->second, key,
           "the sweep has " + std::string(count.exact ? "" : "more than ") +
               number_text(count.trials) + " trials, more than limits.max_trials (" +
               std::to_string(spec.limits.max_trials) + "); raise limits.max_trials to run it");
    }
    const LargestModel model = largest_model(spec);
    if (model.parameters > static_cast<double>(spec.limits.max_parameters)) {
      const auto node = value_nodes_.find(model.blame);
      const ModelConfig& m = model.config;
      const std::string what = m.type == kSequentialType
                                   ? "the network of model.layers"
                                   : "a " + m.type + " of width " + std::to_string(m.width) +
                                         " and depth " + std::to_string(m.depth);
      fail(node == value_nodes_.end() ? root : node->second, model.blame,
           what + " has about " + number_text(model.parameters) +
               " parameters, more than limits.max_parameters (" +
               std::to_string(spec.limits.max_parameters) +
               "); raise limits.max_parameters to train it");
    }
    const LargestData data = largest_data(spec);
    if (data.bytes > static_cast<double>(spec.limits.max_data_bytes)) {
      const auto node = value_nodes_.find(data.blame);
      fail(node == value_nodes_.end() ? root : node->second, data.blame,
           std::to_string(data.canvases) + " fmnist-detection canvases of " +
               std::to_string(data.side) + " x " + std::to_string(data.side) + " take " +
               number_text(data.bytes) + " bytes of memory in each process, more than " +
               "limits.max_data_bytes (" + std::to_string(spec.limits.max_data_bytes) +
               "); raise limits.max_data_bytes to draw them");
    }
  }

  static std::string number_text(double n) {
    char text[32];
    std::snprintf(text, sizeof text, n < 1e15 ? "%.0f" : "%.3g", n);
    return text;
  }

  // The `when:` blocks of `parameters` (by index), then no cycle among them.
  void parse_conditions(const std::vector<std::optional<YAML::Node>>& when_nodes,
                        std::vector<ParameterSpec>& parameters) {
    for (size_t i = 0; i < parameters.size(); ++i)
      if (when_nodes[i]) parse_when(*when_nodes[i], parameters[i], parameters);
    for (size_t i = 0; i < parameters.size(); ++i) {
      const std::vector<std::string> cycle = condition_cycle(parameters, i);
      if (cycle.empty()) continue;
      std::string text;
      for (const std::string& path : cycle) text += (text.empty() ? "" : " -> ") + path;
      fail(*when_nodes[i], parameters[i].path + ".when", "the conditions form a cycle: " + text);
    }
  }

  void parse_when(const YAML::Node& node, ParameterSpec& param,
                  const std::vector<ParameterSpec>& parameters) {
    const std::string where = param.path + ".when";
    for_each_entry(
        node, where, [&](const YAML::Node& k, const YAML::Node& v, const std::string& path) {
          const std::string key = where + "." + path;
          const auto parent = std::find_if(parameters.begin(), parameters.end(),
                                           [&](const ParameterSpec& p) { return p.path == path; });
          if (parent == parameters.end()) {
            std::string swept;
            for (const ParameterSpec& p : parameters) swept += (swept.empty() ? "" : ", ") + p.path;
            fail(k, key, "not a swept parameter (swept: " + swept + ")");
          }
          Condition condition{path, {}};
          if (v.IsSequence() && v.size() == 0)
            fail(v, key, "expected a value or a non-empty list [v1, v2, ...]");
          if (v.IsSequence())
            for (const YAML::Node& e : v)
              condition.values.push_back(condition_value(e, key, *parent));
          else
            condition.values.push_back(condition_value(v, key, *parent));
          param.when.push_back(std::move(condition));
        });
    if (param.when.empty())
      fail(node, where, "expected at least one `parameter: value` (or drop `when`)");
  }

  // A value the condition compares `parent`'s with: one it can take.
  ConfigValue condition_value(const YAML::Node& node, const std::string& key,
                              const ParameterSpec& parent) {
    const ConfigField& field = *find_config_field(parent.path);
    const ConfigValue value = field.kind == ValueKind::real
                                  ? real_value(parse_value(node, key, field.kind))
                                  : parse_value(node, key, field.kind);
    if (shape_of(parent.distribution) == DistributionShape::listed) {
      if (std::find(parent.values.begin(), parent.values.end(), value) != parent.values.end())
        return value;
      std::string values;
      for (const ConfigValue& v : parent.values)
        values += (values.empty() ? "" : ", ") + value_string(v);
      fail(node, key,
           parent.path + " never takes " + value_string(value) + " (its values: " + values + ")");
    }
    if (parent.distribution != Distribution::int_uniform)
      fail(node, key,
           "a condition needs a parameter with `values` or int_uniform; " + parent.path +
               " has a " + distribution_name(parent.distribution) + " distribution");
    const int64_t i = std::get<int64_t>(value);
    if (i < parent.min || i > parent.max)
      fail(node, key,
           parent.path + " never takes " + value_string(value) + " (its range: " +
               value_string(parent.min) + " to " + value_string(parent.max) + ")");
    return value;
  }

  int64_t integer_at_least(const YAML::Node& node, const std::string& key, int64_t least) {
    const int64_t value = std::get<int64_t>(parse_value(node, key, ValueKind::integer));
    if (value < least)
      fail(node, key, "must be >= " + std::to_string(least) + ", got " + std::to_string(value));
    return value;
  }

  double number_in(const YAML::Node& node, const std::string& key, double lo, bool lo_open,
                   double hi) {
    const double value = *value_number(parse_value(node, key, ValueKind::real));
    if (value < lo || (lo_open && value == lo) || value > hi)
      fail(node, key,
           "must be in " + std::string(lo_open ? "(" : "[") + value_string(lo) + ", " +
               value_string(hi) + "], got " + value_string(value));
    return value;
  }

  // An epoch budget that defaults to, and may not exceed, training.epochs.
  int64_t epoch_budget(const std::optional<YAML::Node>& node, const std::string& key, int64_t least,
                       const SweepSpec& spec) {
    const int64_t epochs = spec.base.training.epochs;
    if (!node) return epochs;
    const int64_t value = integer_at_least(*node, key, least);
    if (value > epochs)
      fail(
          *node, key,
          std::to_string(value) + " is more than training.epochs (" + std::to_string(epochs) + ")");
    return value;
  }

  void parse_early_terminate(const YAML::Node& node, SweepSpec& spec) {
    if (!node.IsMap() || !node["type"])
      fail(node, "early_terminate", "needs `type: asha`, `type: hyperband` or `type: median`");
    const std::string type = scalar(node["type"], "early_terminate.type");
    const std::optional<EarlyTerminateKind> kind = enum_named(early_terminate_names(), type);
    if (!kind)
      fail(node["type"], "early_terminate.type",
           "must be " + names_text(early_terminate_names(), " or ") + ", got '" + type + "'");
    const std::map<EarlyTerminateKind, std::vector<std::string>> keys_of = {
        {EarlyTerminateKind::asha,
         {"type", "grace_period", "reduction_factor", "max_epochs", "brackets"}},
        {EarlyTerminateKind::hyperband, {"type", "min_iter", "max_iter", "eta", "s", "strict"}},
        {EarlyTerminateKind::median, {"type", "grace_period", "min_samples"}}};
    const std::vector<std::string>& keys = keys_of.at(*kind);
    EarlyTerminateSpec& et = spec.early_terminate;
    std::map<std::string, YAML::Node> given;
    for_each_entry(node, "early_terminate",
                   [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
                     if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                       std::string known;
                       for (const std::string& name : keys)
                         known += (known.empty() ? "" : ", ") + name;
                       fail(k, "early_terminate." + key,
                            "unknown key for type " + type + " (known: " + known + ")");
                     }
                     given.emplace(key, v);
                   });
    auto optional_key = [&](const std::string& key) -> std::optional<YAML::Node> {
      auto it = given.find(key);
      return it == given.end() ? std::nullopt : std::optional<YAML::Node>(it->second);
    };
    auto read = [&](const std::string& key, int64_t least, int64_t& out) {
      if (auto v = optional_key(key)) out = integer_at_least(*v, "early_terminate." + key, least);
    };
    et.kind = *kind;
    if (et.kind == EarlyTerminateKind::asha) {
      read("grace_period", 1, et.grace_period);
      read("reduction_factor", 2, et.reduction_factor);
      read("brackets", 1, et.brackets);
      et.max_epochs = epoch_budget(optional_key("max_epochs"), "early_terminate.max_epochs",
                                   et.grace_period, spec);
      if (et.grace_period > et.max_epochs)
        fail(*optional_key("grace_period"), "early_terminate.grace_period",
             "is more than max_epochs (" + std::to_string(et.max_epochs) + ")");
      // Bracket s starts at grace_period * reduction_factor^s, which must not pass max_epochs.
      int64_t rungs = 1;
      for (int64_t r = et.grace_period; r <= et.max_epochs / et.reduction_factor;
           r *= et.reduction_factor)
        ++rungs;
      if (et.brackets > rungs)
        fail(*optional_key("brackets"), "early_terminate.brackets",
             "at most " + std::to_string(rungs) + " for these rungs, got " +
                 std::to_string(et.brackets));
    } else if (et.kind == EarlyTerminateKind::hyperband) {
      read("eta", 2, et.eta);
      if (const auto brackets = optional_key("s")) {
        parse_hyperband_brackets(*brackets, optional_key("min_iter"), optional_key("max_iter"),
                                 spec);
      } else {
        read("min_iter", 1, et.min_iter);
        et.max_iter =
            epoch_budget(optional_key("max_iter"), "early_terminate.max_iter", et.min_iter, spec);
        if (et.min_iter > et.max_iter)
          fail(*optional_key("min_iter"), "early_terminate.min_iter",
               "is more than max_iter (" + std::to_string(et.max_iter) + ")");
      }
      if (const auto strict = optional_key("strict");
          strict &&
          !std::get<bool>(parse_value(*strict, "early_terminate.strict", ValueKind::boolean)))
        spec.warnings.push_back(located_message(
            source_, strict->Mark().line + 1, strict->Mark().column + 1, "early_terminate.strict",
            "false (W&B's lenient stopping) is not built: hpsweep's hyperband "
            "runs the paper's brackets, as W&B's strict mode"));
    } else {
      read("grace_period", 1, et.grace_period);
      read("min_samples", 1, et.min_samples);
    }
  }

  // W&B's `max_iter` with `s`: its brackets are at max_iter / eta, ..., max_iter / eta^s
  // (those >= 1, rounded down), so the lowest is hpsweep's min_iter.
  void parse_hyperband_brackets(const YAML::Node& s_node, const std::optional<YAML::Node>& min_node,
                                const std::optional<YAML::Node>& max_node, SweepSpec& spec) {
    EarlyTerminateSpec& et = spec.early_terminate;
    if (!max_node)
      fail(s_node, "early_terminate.s", "goes with max_iter (W&B counts brackets down from it)");
    if (min_node)
      fail(*min_node, "early_terminate.min_iter",
           "give min_iter or s, not both: s sets min_iter to max_iter / eta^s");
    const int64_t brackets = integer_at_least(s_node, "early_terminate.s", 1);
    et.max_iter = epoch_budget(max_node, "early_terminate.max_iter", 1, spec);
    double band = static_cast<double>(et.max_iter);
    et.min_iter = 0;
    for (int64_t i = 0; i < brackets && band / static_cast<double>(et.eta) >= 1; ++i) {
      band /= static_cast<double>(et.eta);
      et.min_iter = static_cast<int64_t>(band);
    }
    if (et.min_iter == 0)
      fail(s_node, "early_terminate.s",
           "no bracket: max_iter / eta is below 1; raise max_iter or lower eta");
  }

  void parse_pbt(const YAML::Node& node, SweepSpec& spec) {
    PbtSpec& pbt = spec.pbt;
    std::optional<YAML::Node> interval_node;
    for_each_entry(
        node, "pbt", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          const std::string where = "pbt." + key;
          if (key == "population") {
            pbt.population = integer_at_least(v, where, 2);
            value_nodes_[where] = v;
          } else if (key == "perturbation_interval") {
            interval_node.emplace(v);
            pbt.perturbation_interval = integer_at_least(v, where, 1);
          } else if (key == "quantile_fraction") {
            pbt.quantile_fraction = number_in(v, where, 0, true, 0.5);
          } else if (key == "resample_probability") {
            pbt.resample_probability = number_in(v, where, 0, false, 1);
          } else if (key == "exploit") {
            pbt.exploit = std::get<bool>(parse_value(v, where, ValueKind::boolean));
          } else if (key == "mutations") {
            for_each_entry(
                v, where, [&](const YAML::Node& mk, const YAML::Node& mv, const std::string& path) {
                  if (path == "training.epochs")
                    fail(mk, path, "epochs are the scheduler's resource and cannot be mutated");
                  const ConfigField* field = find_config_field(path);
                  if (field && field->path.rfind("training.finetune.", 0) == 0)
                    fail(mk, path,
                         "fine-tuning cannot be mutated: an exploit copies weights and optimizer "
                         "state that fit only the same checkpoint, frozen and reinitialized "
                         "layers");
                  pbt.mutations.push_back(parse_parameter(mk, mv, path));
                });
          } else {
            fail(k, where,
                 "unknown key (known: population, perturbation_interval, quantile_fraction, "
                 "resample_probability, mutations, exploit)");
          }
        });
    if (pbt.population == 0) fail(node, "pbt.population", "missing: how many trials to train");
    if (!interval_node)
      fail(node, "pbt.perturbation_interval", "missing: epochs between exploit steps");
    if (pbt.perturbation_interval >= spec.base.training.epochs)
      fail(*interval_node, "pbt.perturbation_interval",
           "must be less than training.epochs (" + std::to_string(spec.base.training.epochs) + ")");
    if (pbt.mutations.empty())
      fail(node, "pbt.mutations", "missing: the parameters to perturb, each with a distribution");
  }

  // Each suggestion is one trial whose result the model learns from: no repeats or folds of
  // it, and no swept seed (a seed is not a hyperparameter to model).
  void check_bayes(const YAML::Node& method_node, const std::optional<YAML::Node>& repeats_node,
                   const std::optional<YAML::Node>& bayes_node, SweepSpec& spec) {
    if (spec.run_cap == 0)
      fail(method_node, "run_cap", "method bayes needs `run_cap` (how many trials to suggest)");
    if (spec.parameters.empty())
      fail(method_node, "parameters", "method bayes needs parameters to suggest");
    if (repeats_node && spec.repeats > 1)
      fail(*repeats_node, "repeats",
           "does not combine with method bayes: each suggestion is one trial");
    if (spec.base.dataset.kfold > 0)
      fail(value_nodes_.count("dataset.kfold") ? value_nodes_.at("dataset.kfold") : method_node,
           "dataset.kfold", "does not combine with method bayes: each suggestion is one trial");
    for (const ParameterSpec& p : spec.parameters)
      if (p.path == "training.seed")
        fail(value_nodes_.at("training.seed"), "parameters.training.seed",
             "a seed is not a hyperparameter for method bayes to model; fix it or leave it out");
    if (bayes_node) parse_bayes(*bayes_node, spec.bayes);
  }

  void parse_bayes(const YAML::Node& node, BayesSpec& bayes) {
    // The preset first, wherever it is written, so that the other keys override it.
    if (node.IsMap() && node["preset"] &&
        bayes_named(node["preset"], "bayes.preset", bayes_preset_names()) == BayesPreset::optuna) {
      bayes.gamma = 0.1;
      bayes.multivariate = false;
      bayes.joint_bandwidth = BayesJointBandwidth::scott;
      bayes.weighting = BayesWeighting::age;
    }
    for_each_entry(
        node, "bayes", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          const std::string where = "bayes." + key;
          if (key == "preset") return;  // applied above
          if (key == "startup_trials")
            bayes.startup_trials = integer_at_least(v, where, 1);
          else if (key == "ei_candidates")
            bayes.ei_candidates = integer_at_least(v, where, 1);
          else if (key == "prior_weight")
            bayes.prior_weight = number_in(v, where, 0, true, 1e6);
          else if (key == "magic_clip")
            bayes.magic_clip = std::get<bool>(parse_value(v, where, ValueKind::boolean));
          else if (key == "gamma")
            bayes.gamma = number_in(v, where, 0, true, 1);
          else if (key == "gamma_cap")
            bayes.gamma_cap = integer_at_least(v, where, 1);
          else if (key == "min_bandwidth")
            bayes.min_bandwidth = number_in(v, where, 0, true, 1);
          else if (key == "bandwidth_exponent")
            bayes.bandwidth_exponent = number_in(v, where, 0, true, 10);
          else if (key == "consider_endpoints")
            bayes.consider_endpoints = std::get<bool>(parse_value(v, where, ValueKind::boolean));
          else if (key == "joint_bandwidth")
            bayes.joint_bandwidth = bayes_named(v, where, bayes_joint_bandwidth_names());
          else if (key == "weighting")
            bayes.weighting = bayes_named(v, where, bayes_weighting_names());
          else if (key == "constant_liar")
            bayes.constant_liar = std::get<bool>(parse_value(v, where, ValueKind::boolean));
          else if (key == "multivariate")
            bayes.multivariate = std::get<bool>(parse_value(v, where, ValueKind::boolean));
          else if (key == "seed")
            bayes.seed = static_cast<uint64_t>(integer_at_least(v, where, 0));
          else
            fail(k, where,
                 "unknown key (known: preset, startup_trials, ei_candidates, prior_weight, "
                 "magic_clip, gamma, gamma_cap, min_bandwidth, bandwidth_exponent, "
                 "consider_endpoints, weighting, constant_liar, multivariate, joint_bandwidth, "
                 "seed)");
        });
  }

  // A bayes key's value by its name table (common/spec_names.h).
  template <typename Enum>
  Enum bayes_named(const YAML::Node& node, const std::string& key, const NameTable<Enum>& table) {
    const std::string name = scalar(node, key);
    if (const std::optional<Enum> value = enum_named(table, name)) return *value;
    fail(node, key, "must be one of " + names_text(table, ", ") + ", got '" + name + "'");
  }

  void parse_resources(const YAML::Node& node, ResourcesSpec& resources) {
    for_each_entry(
        node, "resources", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "ranks_per_trial") {
            resources.ranks_per_trial =
                std::get<int64_t>(parse_value(v, "resources.ranks_per_trial", ValueKind::integer));
            value_nodes_["resources.ranks_per_trial"] = v;
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
            const std::optional<ReducerKind> named = enum_named(reducer_names(), reducer);
            if (!named)
              fail(v, "resources.reducer",
                   "must be " + names_text(reducer_names(), " or ") + ", got '" + reducer + "'");
            resources.reducer = *named;
          } else {
            fail(k, "resources." + key,
                 "unknown key (known: ranks_per_trial, reducer, max_retries)");
          }
        });
  }

  // A validation metric needs a held-out part, an eval_train metric eval_train, in the fixed
  // blocks or swept.
  void check_metric_has_curve(const YAML::Node& node, const SweepSpec& spec) {
    const auto swept = [&](const char* path) {
      return std::any_of(spec.parameters.begin(), spec.parameters.end(),
                         [&](const ParameterSpec& p) { return p.path == path; });
    };
    // A program reports whichever curves it has; its reports must hold the metric.
    if (spec.base.model.runs_program()) return;
    const DatasetConfig& d = spec.base.dataset;
    const std::string& name = spec.metric.name;
    if (name.rfind("val_", 0) == 0 && d.validation == 0 && d.kfold == 0 &&
        !swept("dataset.validation"))
      fail(node, "metric.name",
           name + " needs a validation part: set dataset.validation (or dataset.kfold)");
    if (name.rfind("train_eval_", 0) == 0 && spec.base.training.eval_train == 0 &&
        !swept("training.eval_train"))
      fail(node, "metric.name", name + " needs training.eval_train");
    const DatasetType* set = find_dataset_type(d.name);
    if (name.ends_with("_perplexity") && !(set && set->text) && !swept("dataset.name"))
      fail(node, "metric.name", name + " needs a language model on dataset.name: text");
    const bool detection_metric = name.ends_with("_box_mae") || name.starts_with("test_map");
    if (detection_metric && !(set && set->detection) && !swept("dataset.name"))
      fail(node, "metric.name", name + " needs a detector on a detection set (fmnist-detection)");
  }

  void check_lr_schedule(const YAML::Node& root, const SweepSpec& spec) {
    std::set<std::string> given;
    for (const auto& entry : value_nodes_) given.insert(entry.first);
    if (auto problem = lr_schedule_problem(spec, given)) {
      const auto node = value_nodes_.find(problem->at);
      fail(node == value_nodes_.end() ? root : node->second, problem->key, problem->message);
    }
  }

  void check_language_model(const YAML::Node& root, const SweepSpec& spec) {
    std::set<std::string> given;
    for (const auto& entry : value_nodes_) given.insert(entry.first);
    if (auto problem = language_model_problem(spec, given)) {
      const auto node = value_nodes_.find(problem->at);
      fail(node == value_nodes_.end() ? root : node->second, problem->key, problem->message);
    }
  }

  void parse_metric(const YAML::Node& node, MetricSpec& metric) {
    for_each_entry(
        node, "metric", [&](const YAML::Node& k, const YAML::Node& v, const std::string& key) {
          if (key == "name") {
            metric.name = scalar(v, "metric.name");
            const std::vector<std::string>& names = metric_names();
            if (std::find(names.begin(), names.end(), metric.name) == names.end()) {
              std::string list;
              for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
              fail(v, "metric.name", "must be one of " + list + ", got '" + metric.name + "'");
            }
          } else if (key == "goal") {
            const std::string goal = scalar(v, "metric.goal");
            if (goal != "minimize" && goal != "maximize")
              fail(v, "metric.goal", "must be minimize or maximize, got '" + goal + "'");
            metric.minimize = goal == "minimize";
          } else if (is_ignored_wandb_metric_key(key)) {
            ignored_keys_.push_back("metric." + key);
          } else {
            fail(k, "metric." + key, "unknown key (known: name, goal)");
          }
        });
  }

 private:
  std::string source_;
  std::vector<std::string> ignored_keys_;  // W&B keys without meaning here, in file order
  // The value node of each model key and swept parameter, by path, for the limits' messages.
  std::map<std::string, YAML::Node> value_nodes_;
  std::optional<YAML::Node> args_node_;  // the `args` key, when given
};

}  // namespace

SweepSpec parse_spec(const std::string& yaml_text, const std::string& source_name) {
  return SpecParser(source_name).parse(yaml_text);
}

std::string located_at_key(const SweepSpec& spec, const std::string& key, const std::string& what) {
  const auto place = spec.key_places.find(key);
  if (place == spec.key_places.end()) return spec.source + ": " + key + ": " + what;
  return located_message(spec.source, place->second.first, place->second.second, key, what);
}

SweepSpec load_spec_file(const std::string& path) {
  if (std::filesystem::is_directory(path))
    throw UserError(path + ": is a directory, not a spec file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open the spec file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), path);
}

}  // namespace hpsweep
