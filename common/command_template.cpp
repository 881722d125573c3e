#include "common/command_template.h"

#include <functional>

#include "common/program_arguments.h"

namespace hpsweep {
namespace {

// Calls `placeholder(path)` for each `${path}` of `text` and appends its result in its place;
// returns the problem with the first malformed one.
std::optional<std::string> substitute(
    const std::string& text, std::string* out,
    const std::function<std::optional<std::string>(const std::string& path)>& placeholder) {
  for (size_t i = 0; i < text.size();) {
    const size_t open = text.find("${", i);
    if (out) out->append(text, i, open == std::string::npos ? std::string::npos : open - i);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) return "unclosed '${' in '" + text + "'";
    const std::string path = text.substr(open + 2, close - open - 2);
    const std::optional<std::string> value = placeholder(path);
    if (!value)
      return "unknown path '${" + path +
             "}' (known: a config field such as training.lr, an args.NAME that `args:` "
             "declares, or " +
             kTrialPlaceholders + ")";
    if (out) *out += *value;
    i = close + 1;
  }
  return std::nullopt;
}

bool trial_name_placeholder(const std::string& path) {
  return path == "trial.id" || path == "trial.seed" || path == "trial.folder";
}

}  // namespace

std::optional<std::string> command_argument_problem(const std::string& argument,
                                                    const TrialConfig& config) {
  return substitute(argument, nullptr, [&](const std::string& path) -> std::optional<std::string> {
    if (path.starts_with(kProgramArgumentPrefix))
      return config.args.count(path.substr(kProgramArgumentPrefix.size()))
                 ? std::optional<std::string>("")
                 : std::nullopt;
    if (trial_name_placeholder(path) || find_config_field(path)) return "";
    return std::nullopt;
  });
}

std::vector<std::string> expand_command(const std::vector<std::string>& command, const Trial& trial,
                                        const std::string& folder) {
  const auto value = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "trial.id") return std::to_string(trial.id);
    if (path == "trial.seed") return std::to_string(trial.seed);
    if (path == "trial.folder") return folder;
    const ConfigField* field = find_config_field(path);
    if (!field) return std::nullopt;
    return value_string(field->get(trial.config));
  };
  std::vector<std::string> argv;
  for (const std::string& argument : command) {
    std::string expanded;
    substitute(argument, &expanded, value);
    argv.push_back(std::move(expanded));
  }
  return argv;
}

}  // namespace hpsweep
