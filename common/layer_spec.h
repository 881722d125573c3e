// A network written in the spec (`model.type: sequential`, `model.layers:`), as parsed: a list
// of layers and blocks by the names PyTorch and d2l give them, their arguments by name, and
// `${model.width}`-style references that each trial resolves with its own values. The table of
// layer kinds and their arguments is here (the spec loader validates against it); the builder
// is worker/models/spec_network.cpp, the parameter estimate for `limits` layer_spec_estimate.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hpsweep {

struct ModelConfig;

// One number of an argument: a literal, or a reference to a numeric model field
// ("model.width") or to "outputs" (the dataset's classes, or 1 for regression).
struct LayerNumber {
  double literal = 0;
  std::string reference;  // empty: the literal
};

struct LayerArgument {
  std::string name;                // "out_channels"
  std::vector<LayerNumber> items;  // one, or two for pair arguments (inception's c2)
};

struct LayerSpec {
  std::string kind;  // "conv2d"
  std::vector<LayerArgument> arguments;
  std::vector<LayerSpec> layers;  // a sequential block's
  LayerNumber repeat{1, ""};      // `repeat: N`: the layer N times in a row (0: left out)
  // Where the layer is written, "FILE:LINE:COL" (empty for the registry's networks), and its
  // place in the list, "model.layers[3]" or "model.layers[0].sequential[2]" ("layer 3.1" in a
  // registry network), for messages.
  std::string place, path;

  const LayerArgument* argument(const std::string& name) const;
};

using LayerList = std::vector<LayerSpec>;

enum class ArgumentKind { integer, real, boolean, integer_pair };

// The largest size a layer argument may have, and how often a layer may repeat: far above any
// network that fits `limits`, and low enough that counts never overflow an int64.
inline constexpr double kMaxLayerNumber = 2147483647;
inline constexpr double kMaxRepeat = 10000;
// More layers than this (repeats and blocks counted) is refused before anything is built.
inline constexpr double kMaxLayers = 100000;

struct ArgumentRule {
  std::string name;
  ArgumentKind kind;
  bool required = false;
  double default_value = 0;  // when not required
  // The smallest value allowed (each item of a pair): 1 for sizes, 0 for padding.
  double min = 0;
  bool min_inclusive = true;
  double max = kMaxLayerNumber;  // dropout's p: below 1
  bool max_inclusive = true;
};

struct LayerKind {
  std::string name;        // "conv2d"
  std::string torch_name;  // "Conv2d", for docs
  std::vector<ArgumentRule> arguments;
  bool has_layers = false;  // sequential: its value is a list of layers
  std::string note;         // for the docs' table
};

// Every layer kind, in the order the docs and error messages list them.
const std::vector<LayerKind>& layer_kinds();
const LayerKind* find_layer_kind(const std::string& name);
std::string layer_kind_names();  // "conv2d, linear, ..."
// The numeric model fields a reference may name, and "outputs".
std::vector<std::string> layer_reference_names();

// Why `value` does not suit `rule` ("must be >= 1, got 0"); nullopt when it does.
std::optional<std::string> argument_problem(const ArgumentRule& rule, double value);

// An argument of `layer` with its references resolved by `config` and `outputs` (the default
// when it is not written). Throws UserError naming the layer for a reference whose value is
// not an integer where one is needed, or out of the argument's range.
int64_t layer_integer(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                      int64_t outputs);
double layer_real(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                  int64_t outputs);
bool layer_flag(const LayerSpec& layer, const std::string& name, const ModelConfig& config,
                int64_t outputs);
std::pair<int64_t, int64_t> layer_pair(const LayerSpec& layer, const std::string& name,
                                       const ModelConfig& config, int64_t outputs);
// How many times the layer is written in a row (its `repeat`, resolved).
int64_t layer_repeat(const LayerSpec& layer, const ModelConfig& config, int64_t outputs);

// `layers` with every reference but ${outputs} resolved, one layer per line: equal for two
// trials that build the same network on the same data (for describing and checking each
// distinct model once).
std::string resolved_layers_text(const LayerList& layers, const ModelConfig& config);

// "FILE:LINE:COL: model.layers[3] (conv2d): what", or "layer 3 (conv2d): what"
std::string layer_message(const LayerSpec& layer, const std::string& what);

}  // namespace hpsweep
