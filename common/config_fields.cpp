#include "common/config_fields.h"

#include <charconv>
#include <cmath>

#include "common/dataset_types.h"
#include "common/model_types.h"

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

// dataset.classes: `all` (the default) or a list of class ids.
ConfigField class_list_field() {
  ConfigField f{"dataset.classes",
                ValueKind::text,
                {},
                {},
                [](TrialConfig& config, const ConfigValue& value) {
                  const std::string& text = std::get<std::string>(value);
                  config.dataset.classes =
                      text == "all" ? std::vector<int64_t>{} : parse_integer_list_text(text);
                },
                [](const TrialConfig& config) -> ConfigValue {
                  if (config.dataset.classes.empty()) return std::string("all");
                  return integer_list_text(config.dataset.classes);
                },
                {{"all", std::string("all")}}};
  f.integer_list = true;
  return f;
}

ValueRange at_least(double min) {
  return {min, std::nullopt, true, true};
}
ValueRange above(double min) {
  return {min, std::nullopt, false, true};
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
      field("dataset.features", &C::dataset, &DatasetConfig::features, at_least(0)),
      field("dataset.seed", &C::dataset, &DatasetConfig::seed, at_least(0)),
      field("dataset.validation", &C::dataset, &DatasetConfig::validation, at_least(0)),
      field("dataset.kfold", &C::dataset, &DatasetConfig::kfold, at_least(0)),
      class_list_field(),
      field("dataset.train_per_class", &C::dataset, &DatasetConfig::train_per_class, at_least(1)),
      field("model.type", &C::model, &ModelConfig::type, {}, model_type_names()),
      field("model.width", &C::model, &ModelConfig::width, at_least(1)),
      field("model.depth", &C::model, &ModelConfig::depth, at_least(0)),
      field("model.dropout", &C::model, &ModelConfig::dropout, {0.0, 1.0, true, false}),
      field("model.activation", &C::model, &ModelConfig::activation, {},
            {"relu", "sigmoid", "tanh"}),
      field("model.init", &C::model, &ModelConfig::init, {}, {"normal", "xavier", "he"}),
      field("model.init_sigma", &C::model, &ModelConfig::init_sigma, above(0)),
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
      field("training.init_from", &C::training, &TrainingConfig::init_from),
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

}  // namespace

const std::vector<ConfigField>& config_fields() {
  static const std::vector<ConfigField> fields = make_fields();
  return fields;
}

const ConfigField* find_config_field(std::string_view path) {
  for (const ConfigField& f : config_fields())
    if (f.path == path) return &f;
  return nullptr;
}

std::string block_keys(std::string_view block) {
  std::string keys;
  const std::string prefix = std::string(block) + ".";
  for (const ConfigField& f : config_fields()) {
    if (f.path.rfind(prefix, 0) != 0) continue;
    if (!keys.empty()) keys += ", ";
    keys += f.path.substr(prefix.size());
  }
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

std::string integer_list_text(const std::vector<int64_t>& list) {
  std::string text = "[";
  for (size_t i = 0; i < list.size(); ++i) text += (i ? ", " : "") + std::to_string(list[i]);
  return text + "]";
}

std::vector<int64_t> parse_integer_list_text(const std::string& text) {
  std::vector<int64_t> list;
  for (size_t at = text.find_first_of("0123456789"); at != std::string::npos;) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
    list.push_back(value);
    at = text.find_first_of("0123456789", static_cast<size_t>(end - text.data()));
  }
  return list;
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
