#include "storage/recorded_trial_config.h"

#include "common/config_fields.h"
#include "common/error.h"
#include "common/spec.h"

namespace hpsweep {
namespace {

// sweep.h5 stores a boolean as an integer 0 or 1 (HDF5 has no boolean attribute).
ConfigValue as_field_value(const ConfigField& field, const ConfigValue& stored) {
  if (field.kind == ValueKind::boolean)
    if (const auto* number = std::get_if<int64_t>(&stored)) return *number != 0;
  return stored;
}

}  // namespace

TrialConfig recorded_trial_config(const SweepRecord& sweep, int64_t id,
                                  const std::string& sweep_path) {
  TrialConfig config = parse_spec(sweep.spec_text, sweep_path + ":/spec").base;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.id != id) continue;
    for (const SweptValue& v : trial.swept) {
      const ConfigField* field = find_config_field(v.path);
      if (!field)
        throw UserError(sweep_path + ": trial " + std::to_string(id) + " swept " + v.path +
                        ", which this hpsweep does not know");
      field->set(config, as_field_value(*field, v.value));
    }
    return config;
  }
  throw UserError(sweep_path + ": has no trial " + std::to_string(id));
}

}  // namespace hpsweep
