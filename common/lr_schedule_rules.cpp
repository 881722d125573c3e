#include "common/lr_schedule_rules.h"

#include <algorithm>
#include <vector>

namespace hpsweep {
namespace {

constexpr const char* kPrefix = "training.lr_schedule.";

// The keys that only some types use, and those types.
struct KeyUse {
  const char* key;
  std::vector<std::string> types;
};
const KeyUse kKeyUses[] = {{"step_size", {"step"}},
                           {"milestones", {"multistep"}},
                           {"gamma", {"step", "multistep"}},
                           {"t_max", {"cosine"}},
                           {"eta_min", {"cosine"}}};

// Each type's required key: PyTorch's StepLR and MultiStepLR have no default for it.
const std::pair<const char*, const char*> kRequired[] = {{"step", "step_size"},
                                                         {"multistep", "milestones"}};

std::vector<const ParameterSpec*> swept(const SweepSpec& spec, const std::string& path) {
  std::vector<const ParameterSpec*> found;
  for (const auto* list : {&spec.parameters, &spec.pbt.mutations})
    for (const ParameterSpec& p : *list)
      if (p.path == path) found.push_back(&p);
  return found;
}

// The types a trial of the sweep can have.
std::vector<std::string> possible_types(const SweepSpec& spec) {
  const std::vector<const ParameterSpec*> params = swept(spec, std::string(kPrefix) + "type");
  if (params.empty()) return {spec.base.training.lr_schedule.type};
  std::vector<std::string> types;
  for (const ParameterSpec* p : params)
    for (const ConfigValue& v : p->values) types.push_back(std::get<std::string>(v));
  return types;
}

std::string list_text(const std::vector<std::string>& items, const char* conjunction) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : i + 1 == items.size() ? conjunction : ", ") + items[i];
  return text;
}

}  // namespace

std::optional<LrScheduleProblem> lr_schedule_problem(const SweepSpec& spec,
                                                     const std::set<std::string>& given) {
  const std::string type_path = std::string(kPrefix) + "type";
  const auto is_given = [&](const std::string& path) {
    return given.count(path) > 0 || !swept(spec, path).empty();
  };
  const std::vector<std::string> types = possible_types(spec);
  const auto possible = [&](const std::string& type) {
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  for (const auto& [type, key] : kRequired)
    if (possible(type) && !is_given(kPrefix + std::string(key)))
      return LrScheduleProblem{type_path, kPrefix + std::string(key),
                               std::string("missing: type ") + type + " needs " + key};
  for (const KeyUse& use : kKeyUses) {
    const std::string path = kPrefix + std::string(use.key);
    if (!is_given(path) || std::any_of(use.types.begin(), use.types.end(), possible)) continue;
    return LrScheduleProblem{path, path,
                             "goes with type " + list_text(use.types, " or ") +
                                 "; this schedule's type is " + list_text(types, " or ")};
  }
  const std::string epochs = std::string(kPrefix) + "warmup.epochs";
  const std::string iterations = std::string(kPrefix) + "warmup.iterations";
  if (is_given(epochs) && is_given(iterations))
    return LrScheduleProblem{iterations, iterations,
                             "a warm-up lasts warmup.epochs or warmup.iterations, not both"};
  return std::nullopt;
}

}  // namespace hpsweep
