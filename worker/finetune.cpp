#include "worker/finetune.h"

#include <set>

#include "common/config_fields.h"
#include "common/error.h"

namespace hpsweep {
namespace {

// The model's top-level layers that own parameters ("0, 1, 4, 7"): what a prefix can name.
std::string layers_with_parameters(const Model& model) {
  std::string names;
  std::set<std::string> seen;
  for (const NamedParameter& p : model.parameters()) {
    const std::string layer = p.name.substr(0, p.name.find('.'));
    if (seen.insert(layer).second) names += (names.empty() ? "" : ", ") + layer;
  }
  return names;
}

bool names_a_parameter(const Model& model, const std::string& prefix) {
  for (const NamedParameter& p : model.parameters())
    if (under_layer(p.name, prefix)) return true;
  return false;
}

// The multiplier of the longest lr_mult prefix that `name` is under; 1 for none.
double lr_multiplier(const std::string& name, const FinetuneConfig& finetune) {
  size_t longest = 0;
  double multiplier = 1;
  for (const auto& [prefix, value] : finetune.lr_mult)
    if (under_layer(name, prefix) && prefix.size() > longest) {
      longest = prefix.size();
      multiplier = value;
    }
  return multiplier;
}

}  // namespace

bool under_layer(const std::string& name, const std::string& prefix) {
  return name.starts_with(prefix) && (name.size() == prefix.size() || name[prefix.size()] == '.');
}

bool under_any_layer(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const std::string& prefix : prefixes)
    if (under_layer(name, prefix)) return true;
  return false;
}

std::optional<FinetuneNameProblem> finetune_name_problem(const Model& model,
                                                         const FinetuneConfig& finetune) {
  const std::vector<std::string> lr_prefixes = [&] {
    std::vector<std::string> prefixes;
    for (const auto& entry : finetune.lr_mult) prefixes.push_back(entry.first);
    return prefixes;
  }();
  for (const auto& [key, prefixes] :
       {std::pair{"reinit", &finetune.reinit}, std::pair{"freeze", &finetune.freeze},
        std::pair{"lr_mult", &lr_prefixes}})
    for (const std::string& prefix : *prefixes)
      if (!names_a_parameter(model, prefix))
        return FinetuneNameProblem{
            std::string("training.finetune.") + key,
            "'" + prefix + "' names no parameter of the model (its layers with parameters: " +
                layers_with_parameters(model) + "; a prefix such as 1.0 names a part of one)"};
  return std::nullopt;
}

void apply_finetune(Model& model, const FinetuneConfig& finetune) {
  if (auto problem = finetune_name_problem(model, finetune))
    throw UserError(problem->key + ": " + problem->message);
  for (const NamedParameter& p : model.parameters()) {
    p.parameter->frozen = under_any_layer(p.name, finetune.freeze);
    p.parameter->lr_mult = lr_multiplier(p.name, finetune);
  }
}

std::string finetune_role(const Model& model, const FinetuneConfig& finetune,
                          const std::string& layer) {
  std::string role;
  for (const NamedParameter& p : model.parameters()) {
    if (!under_layer(p.name, layer)) continue;
    const std::string reinit = under_any_layer(p.name, finetune.reinit) ? "reinit, " : "";
    const std::string mine =
        reinit + (under_any_layer(p.name, finetune.freeze)
                      ? "frozen"
                      : "lr x" + value_string(lr_multiplier(p.name, finetune)));
    if (!role.empty() && role != mine) return "mixed";
    role = mine;
  }
  return role;
}

}  // namespace hpsweep
