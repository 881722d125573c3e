#include "common/program_arguments.h"

#include <deque>
#include <map>
#include <mutex>

namespace hpsweep {
namespace {

struct Declared {
  std::mutex mutex;
  std::deque<ConfigField> fields;  // never shrinks: stable addresses
  std::map<std::string, const ConfigField*, std::less<>> by_path;  // the latest of each path
};

Declared& declared() {
  static Declared instance;
  return instance;
}

ConfigField argument_field(const std::string& name, ValueKind kind) {
  return ConfigField{
      std::string(kProgramArgumentPrefix) + name,
      kind,
      {},
      {},
      [name, kind](TrialConfig& config, const ConfigValue& value) {
        // Integers are acceptable reals ("x: 1"), as for every real field.
        const int64_t* integer = std::get_if<int64_t>(&value);
        config.args[name] =
            kind == ValueKind::real && integer ? ConfigValue(static_cast<double>(*integer)) : value;
      },
      [name](const TrialConfig& config) -> ConfigValue { return config.args.at(name); }};
}

}  // namespace

std::optional<std::string> program_argument_name_problem(const std::string& name) {
  const auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  bool valid = !name.empty() && letter(name.front());
  for (char c : name) valid = valid && (letter(c) || (c >= '0' && c <= '9'));
  if (valid) return std::nullopt;
  return "'" + name + "' is no argument name (letters, digits and _, not starting with a digit)";
}

const ConfigField& declare_program_argument(const std::string& name, ValueKind kind) {
  Declared& all = declared();
  std::lock_guard lock(all.mutex);
  const std::string path = std::string(kProgramArgumentPrefix) + name;
  const auto found = all.by_path.find(path);
  if (found != all.by_path.end() && found->second->kind == kind) return *found->second;
  const ConfigField& field = all.fields.emplace_back(argument_field(name, kind));
  all.by_path[path] = &field;
  return field;
}

const ConfigField* find_program_argument(std::string_view path) {
  Declared& all = declared();
  std::lock_guard lock(all.mutex);
  const auto found = all.by_path.find(path);
  return found == all.by_path.end() ? nullptr : found->second;
}

}  // namespace hpsweep
