#include "common/trial.h"

#include <algorithm>
#include <cstdio>

#include "common/program_arguments.h"

namespace hpsweep {

std::string trial_name(int64_t id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld", static_cast<long long>(id));
  return buffer;
}

Trial with_values(Trial trial, const std::vector<SweptValue>& values) {
  for (const SweptValue& v : values) {
    find_config_field(v.path)->set(trial.config, v.value);
    const auto swept = std::find_if(trial.swept.begin(), trial.swept.end(),
                                    [&](const SweptValue& s) { return s.path == v.path; });
    if (swept == trial.swept.end())
      trial.swept.push_back(v);
    else
      swept->value = v.value;
  }
  return trial;
}

std::string hyperparameters_text(const std::vector<SweptValue>& values) {
  std::string text;
  for (const SweptValue& v : values)
    text += (text.empty() ? "" : ", ") + v.path + ": " + value_string(v.value);
  return text;
}

std::string configuration_key(const std::vector<SweptValue>& swept) {
  std::vector<SweptValue> kept;
  for (const SweptValue& v : swept)
    if (v.path != "training.seed") kept.push_back(v);
  return hyperparameters_text(kept);
}

std::string config_text(const TrialConfig& config) {
  std::string text;
  for (const ConfigField& field : config_fields())
    text += field.path + ": " + value_string(field.get(config)) + "\n";
  for (const auto& [name, value] : config.args)
    text += std::string(kProgramArgumentPrefix) + name + ": " + value_string(value) + "\n";
  // The sweep sets the fold (not a spec key, so not a field).
  if (config.dataset.kfold > 0)
    text += "dataset.fold: " + std::to_string(config.dataset.fold) + "\n";
  return text;
}

}  // namespace hpsweep
