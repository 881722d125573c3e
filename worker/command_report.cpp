#include "worker/command_report.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hpsweep {
namespace {

// A number as JSON writes it, or as Python's json writes what JSON cannot (NaN, Infinity).
bool parse_number(const YAML::Node& node, double& value) {
  if (!node.IsScalar() || node.Tag() == "!") return false;  // a quoted text
  const std::string& text = node.Scalar();
  if (text == "NaN") return value = std::numeric_limits<double>::quiet_NaN(), true;
  if (text == "Infinity") return value = std::numeric_limits<double>::infinity(), true;
  if (text == "-Infinity") return value = -std::numeric_limits<double>::infinity(), true;
  return YAML::convert<double>::decode(node, value);
}

[[noreturn]] void garbage(const std::string& line, const std::string& why) {
  constexpr size_t kShown = 200;
  throw std::runtime_error("'" + line.substr(0, kShown) + (line.size() > kShown ? "...'" : "'") +
                           " " + why);
}

}  // namespace

EpochMetrics parse_report(const std::string& line, int64_t expected_epoch,
                          const std::string& metric) {
  YAML::Node root;
  try {
    // JSON is YAML's flow style; a flow mapping must open the line.
    if (line.find_first_not_of(" \t") == std::string::npos ||
        line[line.find_first_not_of(" \t")] != '{')
      garbage(line, "is not a JSON object");
    root = YAML::Load(line);
  } catch (const YAML::Exception&) {
    garbage(line, "is not a JSON object");
  }
  if (!root.IsMap()) garbage(line, "is not a JSON object");
  EpochMetrics m;
  for (const std::string& name : curve_names())
    if (name != "epoch") set_curve_value(m, name, kNoValue);
  bool has_epoch = false, has_metric = false;
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    double value = 0;
    if (!parse_number(entry.second, value))
      garbage(line, "has a value that is not a number at \"" + key + "\"");
    if (key == "epoch") {
      has_epoch = true;
      if (value != static_cast<double>(expected_epoch))
        garbage(line, "reports epoch " + entry.second.Scalar() + ", expected epoch " +
                          std::to_string(expected_epoch));
      m.epoch = expected_epoch;
    } else if (std::find(curve_names().begin(), curve_names().end(), key) != curve_names().end()) {
      set_curve_value(m, key, value);
    }
    has_metric = has_metric || key == metric;
  }
  if (!has_epoch) garbage(line, "has no \"epoch\"");
  if (!has_metric) garbage(line, "has no \"" + metric + "\" (metric.name)");
  return m;
}

}  // namespace hpsweep
