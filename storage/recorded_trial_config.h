// The configuration a recorded trial trained with: the spec stored in sweep.h5 with the
// trial's swept values applied. For tools that rebuild a trial's model or data after the run
// (`hpsweep sample`, the report's detections).
#pragma once

#include <cstdint>
#include <string>

#include "common/trial_config.h"
#include "storage/sweep_file.h"

namespace hpsweep {

// Throws UserError naming `sweep_path` when the sweep has no trial `id`.
TrialConfig recorded_trial_config(const SweepRecord& sweep, int64_t id,
                                  const std::string& sweep_path);

}  // namespace hpsweep
