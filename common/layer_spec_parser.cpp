#include "common/layer_spec_parser.h"

#include <algorithm>
#include <cstdlib>

#include "common/error.h"

namespace hpsweep {
namespace {

std::string names_of(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

class LayerListParser {
 public:
  explicit LayerListParser(std::string source) : source_(std::move(source)) {}

  LayerList list(const YAML::Node& node, const std::string& path) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, path,
           "expected a list of layers, e.g. [conv2d: {out_channels: 6, kernel_size: 5}, relu]");
    LayerList layers;
    for (size_t i = 0; i < node.size(); ++i)
      layers.push_back(layer(node[i], path + "[" + std::to_string(i) + "]"));
    return layers;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what) {
    const YAML::Mark mark = node.Mark();
    throw UserError(located_message(source_, mark.line + 1, mark.column + 1, key, what));
  }

  std::string place(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    return source_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  // `- relu`, `- conv2d: {...}`, `- sequential: [...]`, each with an optional `repeat: N`.
  LayerSpec layer(const YAML::Node& node, const std::string& path) {
    LayerSpec spec;
    spec.path = path;
    spec.place = place(node);
    YAML::Node arguments;
    if (node.IsScalar()) {
      spec.kind = node.Scalar();
    } else if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
        if (key == "repeat") {
          spec.repeat = number(it->second, path + ".repeat", ArgumentKind::integer,
                               {.name = "repeat", .kind = ArgumentKind::integer, .max = kMaxRepeat});
        } else if (spec.kind.empty()) {
          spec.kind = key;
          arguments = it->second;
        } else {
          fail(it->first, path,
               "one layer per list item, found " + spec.kind + " and " + key +
                   " (start the next layer with its own `-`)");
        }
      }
    }
    const LayerKind* kind = find_layer_kind(spec.kind);
    if (!kind)
      fail(node, path,
           (spec.kind.empty() ? std::string("expected a layer")
                              : "unknown layer kind '" + spec.kind + "'") +
               " (known: " + layer_kind_names() + ")");
    const std::string key = path + " (" + spec.kind + ")";
    if (kind->has_layers)
      spec.layers = list(arguments, path + "." + spec.kind);
    else
      read_arguments(node, arguments, *kind, key, spec);
    return spec;
  }

  // `node`: the arguments' mapping (or nothing) of the layer written at `layer_node`.
  void read_arguments(const YAML::Node& layer_node, const YAML::Node& node, const LayerKind& kind,
                      const std::string& key, LayerSpec& spec) {
    std::vector<std::string> known;
    for (const ArgumentRule& rule : kind.arguments) known.push_back(rule.name);
    if (node && !node.IsNull() && !node.IsMap())
      fail(node, key,
           kind.arguments.empty() ? "takes no arguments"
                                  : "expected its arguments by name {" + names_of(known) + "}");
    if (node && node.IsMap())
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string name = it->first.Scalar();
        const auto rule = std::find_if(kind.arguments.begin(), kind.arguments.end(),
                                       [&](const ArgumentRule& r) { return r.name == name; });
        if (rule == kind.arguments.end())
          fail(it->first, key,
               "unknown argument '" + name + "' (" +
                   (known.empty() ? "it takes none" : "known: " + names_of(known)) + ")");
        if (spec.argument(name)) fail(it->first, key, name + ": given twice");
        spec.arguments.push_back(argument(it->second, key, *rule));
      }
    for (const ArgumentRule& rule : kind.arguments)
      if (rule.required && !spec.argument(rule.name)) fail(layer_node, key, "needs " + rule.name);
  }

  LayerArgument argument(const YAML::Node& node, const std::string& key, const ArgumentRule& rule) {
    LayerArgument argument{rule.name, {}};
    if (rule.kind == ArgumentKind::integer_pair) {
      if (!node.IsSequence() || node.size() != 2)
        fail(node, key, rule.name + ": expected two channel counts [a, b]");
      for (const YAML::Node& item : node)
        argument.items.push_back(number(item, key, ArgumentKind::integer, rule));
    } else {
      argument.items.push_back(number(node, key, rule.kind, rule));
    }
    return argument;
  }

  // A literal checked against `rule`, or a `${name}` reference.
  LayerNumber number(const YAML::Node& node, const std::string& key, ArgumentKind kind,
                     const ArgumentRule& rule) {
    if (!node.IsScalar()) fail(node, key, rule.name + ": expected a single value");
    const std::string& text = node.Scalar();
    if (text.rfind("${", 0) == 0 && text.back() == '}') {
      const std::string name = text.substr(2, text.size() - 3);
      const std::vector<std::string> names = layer_reference_names();
      if (kind == ArgumentKind::boolean)
        fail(node, key, rule.name + ": takes true or false, not a reference");
      if (std::find(names.begin(), names.end(), name) == names.end())
        fail(node, key,
             rule.name + ": unknown reference ${" + name + "} (known: " + names_of(names) + ")");
      if (kind == ArgumentKind::integer && name == "model.dropout")
        fail(node, key, rule.name + ": needs an integer; ${model.dropout} is a real");
      return {0, name};
    }
    double value = 0;
    if (kind == ArgumentKind::boolean) {
      bool flag;
      if (!YAML::convert<bool>::decode(node, flag))
        fail(node, key, rule.name + ": expected true or false, got '" + text + "'");
      value = flag ? 1 : 0;
    } else {
      char* end = nullptr;
      value = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || node.Tag() == "!")
        fail(node, key, rule.name + ": expected a number or ${model.width}, got '" + text + "'");
    }
    if (auto problem = argument_problem(rule, value)) fail(node, key, rule.name + ": " + *problem);
    return {value, ""};
  }

  std::string source_;
};

}  // namespace

LayerList parse_layer_list(const YAML::Node& node, const std::string& source) {
  return LayerListParser(source).list(node, "model.layers");
}

}  // namespace hpsweep
