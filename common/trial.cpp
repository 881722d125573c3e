#include "common/trial.h"

#include <cstdio>

namespace hpsweep {

std::string trial_name(int64_t id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld", static_cast<long long>(id));
  return buffer;
}

std::string config_text(const TrialConfig& config) {
  std::string text;
  for (const ConfigField& field : config_fields())
    text += field.path + ": " + value_string(field.get(config)) + "\n";
  return text;
}

}  // namespace hpsweep
