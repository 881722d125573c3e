// The rows of training.lr_schedule in the table of configurable fields
// (common/config_fields.h): training.lr_schedule.type, .gamma, .warmup.epochs, ... each
// addressable, and so sweepable, by its dotted path.
#pragma once

#include <vector>

#include "common/config_fields.h"

namespace hpsweep {

std::vector<ConfigField> lr_schedule_fields();

}  // namespace hpsweep
