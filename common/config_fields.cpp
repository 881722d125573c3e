#include "common/config_fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

#include "common/dataset_types.h"
#include "common/finetune_fields.h"
#include "common/lr_schedule_fields.h"
#include "common/model_types.h"
#include "common/program_arguments.h"

namespace hpsweep {
namespace {

// One row of the table: the field `member` of block `block` of TrialConfig.
template <typename Block, typename T>
ConfigField field(std::string path, Block TrialConfig::*block, T Block::*member,
                  ValueRange range = {}, std::vector<std::string> choices = {}) {
  ValueKind kind;
  if constexpr (std::is_same_v<T, bool>) {
    kind = ValueKind::boolean;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    kind = ValueKind::integer;
  } else if constexpr (std::is_same_v<T, double>) {
    kind = ValueKind::real;
  } else {
    kind = ValueKind::text;
  }
  return ConfigField{
      std::move(path),
      kind,
      range,
      std::move(choices),
      [block, member](TrialConfig& config, const ConfigValue& value) {
        if constexpr (std::is_same_v<T, double>) {
          // Integers are acceptable reals ("lr: 1").
          if (auto* i = std::get_if<int64_t>(&value)) {
            config.*block.*member = static_cast<double>(*i);
            return;
          }
        }
        config.*block.*member = std::get<T>(value);
      },
      [block, member](const TrialConfig& config) -> ConfigValue { return config.*block.*member; }};
}

ConfigField with_words(ConfigField field, std::vector<std::pair<std::string, ConfigValue>> words) {
  field.words = std::move(words);
  return field;
}

ValueRange at_least(double min) {
  return {min, std::nullopt, true, true};
}
ValueRange above(double min) {
  return {min, std::nullopt, false, true};
}

// dataset.classes: `all` (the default) or a list of distinct class ids, in the order that gives
// their new labels.
ConfigField class_list_field() {
  ConfigField f{"dataset.classes",
                ValueKind::integer_list,
                at_least(0),
                {},
                [](TrialConfig& config, const ConfigValue& value) {
                  const std::string& text = std::get<std::string>(value);
                  config.dataset.classes =
                      text == "all" ? std::vector<int64_t>{} : *parse_integer_list(text);
                },
                [](const TrialConfig& config) -> ConfigValue {
                  if (config.dataset.classes.empty()) return std::string("all");
                  return integer_list_text(config.dataset.classes);
                },
                {{"all", std::string("all")}}};
  f.any_order = true;
  return f;
}

std::vector<ConfigField> make_fields() {
  using C = TrialConfig;
  return {
      field("dataset.name", &C::dataset, &DatasetConfig::name, {}, dataset_type_names()),
      field("dataset.path", &C::dataset, &DatasetConfig::path),
      field("dataset.train_subset", &C::dataset, &DatasetConfig::train_subset, at_least(0)),
      field("dataset.test_subset", &C::dataset, &DatasetConfig::test_subset, at_least(0)),
      field("dataset.input_size", &C::dataset, &DatasetConfig::input_size, at_least(0)),
      field("dataset.flip", &C::dataset, &DatasetConfig::flip),
      field("dataset.crop_padding", &C::dataset, &DatasetConfig::crop_padding, at_least(0)),
      field("dataset.max_objects", &C::dataset, &DatasetConfig::max_objects,
            {1.0, double{kMaxDetectionObjects}, true, true}),
      field("dataset.features", &C::dataset, &DatasetConfig::features, at_least(0)),
      field("dataset.seed", &C::dataset, &DatasetConfig::seed, at_least(0)),
      field("dataset.validation", &C::dataset, &DatasetConfig::validation, at_least(0)),
      field("dataset.kfold", &C::dataset, &DatasetConfig::kfold, at_least(0)),
      class_list_field(),
      field("dataset.train_per_class", &C::dataset, &DatasetConfig::train_per_class, at_least(1)),
      field("dataset.preprocess", &C::dataset, &DatasetConfig::preprocess, {},
            {"english", "unicode"}),
      field("dataset.tokens", &C::dataset, &DatasetConfig::tokens, {}, {"char", "word"}),
      field("dataset.test_fraction", &C::dataset, &DatasetConfig::test_fraction,
            {0.0, 1.0, true, false}),
      field("dataset.min_freq", &C::dataset, &DatasetConfig::min_freq, at_least(0)),
      field("dataset.sampling", &C::dataset, &DatasetConfig::sampling, {},
            {"random", "sequential"}),
      field("model.type", &C::model, &ModelConfig::type, {}, model_type_names()),
      field("model.width", &C::model, &ModelConfig::width, at_least(1)),
      // Bounded so that every model's layer list stays small enough to write and walk at once
      // (common/model_types.h); `limits` refuses far smaller models than this allows.
      field("model.depth", &C::model, &ModelConfig::depth, {0, 10000}),
      field("model.dropout", &C::model, &ModelConfig::dropout, {0.0, 1.0, true, false}),
      field("model.activation", &C::model, &ModelConfig::activation, {},
            {"relu", "sigmoid", "tanh"}),
      field("model.cell", &C::model, &ModelConfig::cell, {}, {"rnn", "gru", "lstm"}),
      field("model.embedding", &C::model, &ModelConfig::embedding, at_least(0)),
      field("model.anchor_size_min", &C::model, &ModelConfig::anchor_size_min, above(0)),
      field("model.anchor_size_max", &C::model, &ModelConfig::anchor_size_max, above(0)),
      field("model.anchor_ratio", &C::model, &ModelConfig::anchor_ratio, at_least(1)),
      field("model.init", &C::model, &ModelConfig::init, {}, {"normal", "xavier", "he"}),
      field("model.init_sigma", &C::model, &ModelConfig::init_sigma, above(0)),
      field("model.command_timeout", &C::model, &ModelConfig::command_timeout, above(0)),
      field("model.command_grace", &C::model, &ModelConfig::command_grace, at_least(0)),
      field("training.epochs", &C::training, &TrainingConfig::epochs, at_least(1)),
      field("training.batch_size", &C::training, &TrainingConfig::batch_size, at_least(1)),
      field("training.lr", &C::training, &TrainingConfig::lr, above(0)),
      field("training.weight_decay", &C::training, &TrainingConfig::weight_decay, at_least(0)),
      field("training.optimizer", &C::training, &TrainingConfig::optimizer, {}, {"sgd", "adam"}),
      field("training.momentum", &C::training, &TrainingConfig::momentum, {0.0, 1.0, true, false}),
      field("training.beta1", &C::training, &TrainingConfig::beta1, {0.0, 1.0, true, false}),
      field("training.beta2", &C::training, &TrainingConfig::beta2, {0.0, 1.0, true, false}),
      field("training.eps", &C::training, &TrainingConfig::eps, above(0)),
      field("training.shuffle", &C::training, &TrainingConfig::shuffle),
      field("training.num_steps", &C::training, &TrainingConfig::num_steps, at_least(1)),
      field("training.clip_norm", &C::training, &TrainingConfig::clip_norm, at_least(0)),
      with_words(field("training.eval_train", &C::training, &TrainingConfig::eval_train,
                       at_least(kEvalTrainAll)),
                 {{"all", kEvalTrainAll}}),
      field("training.seed", &C::training, &TrainingConfig::seed, at_least(-1)),
      field("checkpoint.every", &C::checkpoint, &CheckpointConfig::every, at_least(1)),
      field("checkpoint.keep", &C::checkpoint, &CheckpointConfig::keep, {},
            {"last", "best", "both", "none"}),
      field("simulated.epoch_seconds", &C::simulated, &SimulatedConfig::epoch_seconds, at_least(0)),
      field("simulated.seed", &C::simulated, &SimulatedConfig::seed, at_least(0)),
  };
}

// The shortest text that reads back as the same double ("0.1", "1e-05", "0.0001234567").
std::string number_string(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

// Each item against the field's range, and the items increasing.
std::optional<std::string> check_integer_list(const ConfigField& field, const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  const auto items = text ? parse_integer_list(*text) : std::nullopt;
  if (!items) return "expected a list of integers [a, b, ...], got " + value_string(value);
  if (items->empty()) return std::string("expected a non-empty list");
  ConfigField item = field;
  item.kind = ValueKind::integer;
  for (size_t i = 0; i < items->size(); ++i) {
    if (auto problem = check_value(item, (*items)[i]))
      return "item " + std::to_string(i + 1) + ": " + *problem;
    if (field.any_order &&
        std::find(items->begin(), items->begin() + i, (*items)[i]) != items->begin() + i)
      return "item " + std::to_string(i + 1) + ": " + std::to_string((*items)[i]) +
             " is listed twice";
    if (!field.any_order && i > 0 && (*items)[i] <= (*items)[i - 1])
      return "must increase, got " + *text;
  }
  return std::nullopt;
}

// Distinct names, each a layer name.
std::optional<std::string> check_name_list(const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  const auto names = text ? parse_name_list(*text) : std::nullopt;
  if (!names) return "expected a list of layer names [a, b, ...], got " + value_string(value);
  for (size_t i = 0; i < names->size(); ++i) {
    if (std::find(names->begin(), names->begin() + i, (*names)[i]) != names->begin() + i)
      return "item " + std::to_string(i + 1) + ": " + (*names)[i] + " is listed twice";
  }
  return std::nullopt;
}

// Distinct layer names, each number within the field's range.
std::optional<std::string> check_multiplier_map(const ConfigField& field,
                                                const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  const auto entries = text ? parse_multiplier_map(*text) : std::nullopt;
  if (!entries) return "expected a mapping of layer names to numbers, got " + value_string(value);
  ConfigField item = field;
  item.kind = ValueKind::real;
  std::vector<std::string> names;
  for (const auto& [name, multiplier] : *entries) {
    if (std::find(names.begin(), names.end(), name) != names.end())
      return name + " is listed twice";
    names.push_back(name);
    if (auto problem = check_value(item, multiplier)) return name + ": " + *problem;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<ConfigField>& config_fields() {
  static const std::vector<ConfigField> fields = [] {
    std::vector<ConfigField> all = make_fields();
    // After the other training.* rows: config texts list each block's keys together.
    const auto after_training = std::find_if(all.rbegin(), all.rend(), [](const ConfigField& f) {
                                  return f.path.starts_with("training.");
                                }).base();
    std::vector<ConfigField> blocks = lr_schedule_fields();
    for (ConfigField& f : finetune_fields()) blocks.push_back(std::move(f));
    all.insert(after_training, std::make_move_iterator(blocks.begin()),
               std::make_move_iterator(blocks.end()));
    return all;
  }();
  return fields;
}

const ConfigField* find_config_field(std::string_view path) {
  // training.init_from, the plain form of fine-tuning, predates training.finetune.
  if (path == "training.init_from") path = "training.finetune.from";
  for (const ConfigField& f : config_fields())
    if (f.path == path) return &f;
  if (path.starts_with(kProgramArgumentPrefix)) return find_program_argument(path);
  return nullptr;
}

std::string block_keys(std::string_view block) {
  std::string keys;
  const std::string prefix = std::string(block) + ".";
  for (const ConfigField& f : config_fields()) {
    if (f.path.rfind(prefix, 0) != 0) continue;
    // A nested block (training.lr_schedule.*) is one key of its parent.
    const std::string key =
        f.path.substr(prefix.size(), f.path.find('.', prefix.size()) - prefix.size());
    if (keys == key || keys.ends_with(", " + key)) continue;
    if (!keys.empty()) keys += ", ";
    keys += key;
  }
  // Not fields: a list of layers (common/layer_spec_parser.h), a program's argv
  // (common/command_template.h).
  if (block == "model") keys += ", layers, command";
  return keys;
}

std::optional<std::string> check_value(const ConfigField& field, const ConfigValue& value) {
  const bool is_int = std::holds_alternative<int64_t>(value);
  const bool is_real = std::holds_alternative<double>(value) || is_int;
  switch (field.kind) {
    case ValueKind::boolean:
      if (!std::holds_alternative<bool>(value))
        return "expected true or false, got " + value_string(value);
      return std::nullopt;
    case ValueKind::text:
      if (!std::holds_alternative<std::string>(value))
        return "expected text, got " + value_string(value);
      if (!field.choices.empty()) {
        std::string list;
        for (const std::string& c : field.choices) {
          if (c == std::get<std::string>(value)) return std::nullopt;
          list += (list.empty() ? "" : ", ") + c;
        }
        return "must be one of " + list + ", got '" + std::get<std::string>(value) + "'";
      }
      return std::nullopt;
    case ValueKind::integer:
      if (!is_int) return "expected an integer, got " + value_string(value);
      break;
    case ValueKind::integer_list:
      return check_integer_list(field, value);
    case ValueKind::name_list:
      return check_name_list(value);
    case ValueKind::multiplier_map:
      return check_multiplier_map(field, value);
    case ValueKind::real:
      if (!is_real) return "expected a number, got " + value_string(value);
      break;
  }
  const double x = *value_number(value);
  const ValueRange& r = field.range;
  if (r.min && (r.min_inclusive ? x < *r.min : x <= *r.min))
    return std::string("must be ") + (r.min_inclusive ? ">= " : "> ") + number_string(*r.min) +
           ", got " + value_string(value);
  if (r.max && (r.max_inclusive ? x > *r.max : x >= *r.max))
    return std::string("must be ") + (r.max_inclusive ? "<= " : "< ") + number_string(*r.max) +
           ", got " + value_string(value);
  if (!std::isfinite(x)) return "must be finite, got " + value_string(value);
  return std::nullopt;
}

std::optional<std::vector<int64_t>> parse_integer_list(std::string_view text) {
  std::vector<int64_t> items;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  const auto skip_spaces = [&] {
    while (at < end && *at == ' ') ++at;
  };
  skip_spaces();
  while (at < end) {
    int64_t item;
    const auto [next, ec] = std::from_chars(at, end, item);
    if (ec != std::errc()) return std::nullopt;
    items.push_back(item);
    at = next;
    skip_spaces();
    if (at == end) break;
    if (*at != ',') return std::nullopt;
    ++at;
    skip_spaces();
    if (at == end) return std::nullopt;
  }
  return items;
}

std::string integer_list_text(const std::vector<int64_t>& items) {
  std::string text;
  for (int64_t item : items) text += (text.empty() ? "" : ", ") + std::to_string(item);
  return text;
}

std::string kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::boolean:
      return "boolean";
    case ValueKind::integer:
      return "integer";
    case ValueKind::real:
      return "number";
    case ValueKind::text:
      return "text";
    case ValueKind::integer_list:
      return "list of integers";
    case ValueKind::name_list:
      return "list of names";
    case ValueKind::multiplier_map:
      return "mapping of names to numbers";
  }
  return "?";
}

std::string value_string(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return number_string(d); }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, value);
}

std::optional<double> value_number(const ConfigValue& value) {
  if (auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&value)) return *d;
  if (auto* b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

}  // namespace hpsweep
