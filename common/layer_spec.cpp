#include "common/layer_spec.h"

#include <cmath>

#include "common/config_fields.h"
#include "common/error.h"
#include "common/trial_config.h"

namespace hpsweep {
namespace {

ArgumentRule size(const std::string& name) {
  return {.name = name, .kind = ArgumentKind::integer, .required = true, .min = 1};
}
// An optional size whose 0 means "taken from the input" (in_channels) or PyTorch's None
// (a pool's stride: its kernel size).
ArgumentRule inferred(const std::string& name) {
  return {.name = name, .kind = ArgumentKind::integer};
}

std::vector<LayerKind> make_layer_kinds() {
  const ArgumentRule padding{.name = "padding", .kind = ArgumentKind::integer};
  const std::vector<ArgumentRule> pool = {size("kernel_size"), inferred("stride"), padding};
  return {
      {"conv2d",
       "Conv2d",
       {size("out_channels"),
        size("kernel_size"),
        {.name = "stride", .kind = ArgumentKind::integer, .default_value = 1, .min = 1},
        padding,
        inferred("in_channels")},
       false,
       "in_channels: from the input (given, it is checked)"},
      {"linear",
       "Linear",
       {size("out_features"), inferred("in_features")},
       false,
       "in_features: from the input (given, it is checked)"},
      {"batch_norm",
       "BatchNorm1d, BatchNorm2d",
       {inferred("num_features")},
       false,
       "2d after images, 1d after features"},
      {"relu", "ReLU", {}, false, ""},
      {"sigmoid", "Sigmoid", {}, false, ""},
      {"tanh", "Tanh", {}, false, ""},
      {"max_pool2d", "MaxPool2d", pool, false, "stride: kernel_size when not given"},
      {"avg_pool2d", "AvgPool2d", pool, false, "stride: kernel_size when not given"},
      {"adaptive_avg_pool2d",
       "AdaptiveAvgPool2d",
       {{.name = "output_size",
         .kind = ArgumentKind::integer,
         .required = true,
         .min = 1,
         .max = 1}},
       false,
       "output_size 1 (global average pooling)"},
      {"dropout",
       "Dropout",
       {{.name = "p",
         .kind = ArgumentKind::real,
         .default_value = 0.5,
         .max = 1,
         .max_inclusive = false}},
       false,
       ""},
      {"flatten", "Flatten", {}, false, ""},
      {"residual",
       "Residual (d2l 8.6)",
       {size("num_channels"),
        {.name = "use_1x1conv", .kind = ArgumentKind::boolean},
        {.name = "strides", .kind = ArgumentKind::integer, .default_value = 1, .min = 1}},
       false,
       "conv1, conv2, [conv3,] bn1, bn2"},
      {"inception",
       "Inception (d2l 8.4)",
       {size("c1"),
        {.name = "c2", .kind = ArgumentKind::integer_pair, .required = true, .min = 1},
        {.name = "c3", .kind = ArgumentKind::integer_pair, .required = true, .min = 1},
        size("c4")},
       false,
       "c2, c3: [1x1 channels, 3x3 or 5x5 channels]"},
      {"dense_block",
       "DenseBlock (d2l 8.7)",
       {size("num_convs"), size("num_channels")},
       false,
       "num_channels: the growth rate"},
      {"transition",
       "transition_block (d2l 8.7)",
       {size("num_channels")},
       false,
       "BatchNorm2d, ReLU, 1x1 Conv2d, AvgPool2d(2)"},
      {"sequential", "Sequential", {}, true, "its value is a list of layers"},
  };
}

const ArgumentRule& rule_of(const LayerSpec& layer, const std::string& name) {
  for (const ArgumentRule& rule : find_layer_kind(layer.kind)->arguments)
    if (rule.name == name) return rule;
  throw Error("layer kind " + layer.kind + " has no argument " + name);
}

// Whole numbers as written ("1000000000000"), others in their shortest exact form.
std::string number_text(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e18)
    return std::to_string(static_cast<int64_t>(value));
  return value_string(value);
}

double reference_value(const LayerSpec& layer, const std::string& reference,
                       const ModelConfig& config, int64_t outputs) {
  const auto unset = [&] {
    return UserError(layer_message(layer, "${" + reference + "}: " + reference +
                                              " is not given (set it in `model:` or sweep it)"));
  };
  if (reference == "model.width") {
    if (config.width == 0) throw unset();
    return static_cast<double>(config.width);
  }
  if (reference == "model.depth") {
    if (config.depth == ModelConfig::kDefaultDepth) throw unset();
    return static_cast<double>(config.depth);
  }
  if (reference == "model.dropout") return config.dropout;
  if (reference == "outputs") return static_cast<double>(outputs);
  throw UserError(layer_message(layer, "unknown reference ${" + reference + "}"));
}

// The item's value, checked against the rule; `name` as the message shows it.
double resolved(const LayerSpec& layer, const ArgumentRule& rule, const LayerNumber& number,
                const ModelConfig& config, int64_t outputs, const std::string& name) {
  const double value = number.reference.empty()
                           ? number.literal
                           : reference_value(layer, number.reference, config, outputs);
  const std::string from = number.reference.empty() ? "" : " (${" + number.reference + "})";
  if (auto problem = argument_problem(rule, value))
    throw UserError(layer_message(layer, name + ": " + *problem + from));
  return value;
}

double resolved_single(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                       int64_t outputs) {
  const ArgumentRule& rule = rule_of(layer, name);
  const LayerArgument* given = layer.argument(name);
  if (!given) return rule.default_value;
  return resolved(layer, rule, given->items.at(0), config, outputs, name);
}

}  // namespace

std::optional<std::string> argument_problem(const ArgumentRule& rule, double value) {
  if (std::isnan(value)) return "expected a number, got nan";
  const bool integral =
      rule.kind == ArgumentKind::integer || rule.kind == ArgumentKind::integer_pair;
  if (integral && value != std::floor(value))
    return "expected an integer, got " + number_text(value);
  const bool below = rule.min_inclusive ? value < rule.min : value <= rule.min;
  const bool above = rule.max_inclusive ? value > rule.max : value >= rule.max;
  if (below)
    return std::string("must be ") + (rule.min_inclusive ? ">= " : "> ") + number_text(rule.min) +
           ", got " + number_text(value);
  if (above)
    return std::string("must be ") + (rule.max_inclusive ? "<= " : "< ") + number_text(rule.max) +
           ", got " + number_text(value);
  return std::nullopt;
}

const LayerArgument* LayerSpec::argument(const std::string& name) const {
  for (const LayerArgument& a : arguments)
    if (a.name == name) return &a;
  return nullptr;
}

const std::vector<LayerKind>& layer_kinds() {
  static const std::vector<LayerKind> kinds = make_layer_kinds();
  return kinds;
}

const LayerKind* find_layer_kind(const std::string& name) {
  for (const LayerKind& kind : layer_kinds())
    if (kind.name == name) return &kind;
  return nullptr;
}

std::string layer_kind_names() {
  std::string names;
  for (const LayerKind& kind : layer_kinds()) names += (names.empty() ? "" : ", ") + kind.name;
  return names;
}

std::vector<std::string> layer_reference_names() {
  return {"model.width", "model.depth", "model.dropout", "outputs"};
}

int64_t layer_integer(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                      int64_t outputs) {
  return static_cast<int64_t>(resolved_single(layer, name, config, outputs));
}

double layer_real(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                  int64_t outputs) {
  return resolved_single(layer, name, config, outputs);
}

bool layer_flag(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                int64_t outputs) {
  return resolved_single(layer, name, config, outputs) != 0;
}

std::pair<int64_t, int64_t> layer_pair(const LayerSpec& layer, const std::string& name,
                                       const ModelConfig& config, int64_t outputs) {
  const ArgumentRule& rule = rule_of(layer, name);
  const LayerArgument& given = *layer.argument(name);  // pairs are required
  return {static_cast<int64_t>(resolved(layer, rule, given.items.at(0), config, outputs, name)),
          static_cast<int64_t>(resolved(layer, rule, given.items.at(1), config, outputs, name))};
}

int64_t layer_repeat(const LayerSpec& layer, const ModelConfig& config, int64_t outputs) {
  const ArgumentRule rule{.name = "repeat", .kind = ArgumentKind::integer, .max = kMaxRepeat};
  return static_cast<int64_t>(resolved(layer, rule, layer.repeat, config, outputs, "repeat"));
}

std::string resolved_layers_text(const LayerList& layers, const ModelConfig& config) {
  const auto text_of = [&](const LayerSpec& layer, const LayerNumber& n) {
    if (n.reference.empty()) return number_text(n.literal);
    if (n.reference == "outputs") return std::string("${outputs}");
    return number_text(reference_value(layer, n.reference, config, 0));
  };
  std::string text;
  for (const LayerSpec& layer : layers) {
    text += layer.kind + "(";
    for (const LayerArgument& a : layer.arguments) {
      text += a.name + "=";
      for (const LayerNumber& n : a.items) text += text_of(layer, n) + " ";
    }
    text += "repeat=" + text_of(layer, layer.repeat) + ")[" +
            resolved_layers_text(layer.layers, config) + "]\n";
  }
  return text;
}

std::string layer_message(const LayerSpec& layer, const std::string& what) {
  const std::string place = layer.place.empty() ? "" : layer.place + ": ";
  return place + layer.path + " (" + layer.kind + "): " + what;
}

}  // namespace hpsweep
