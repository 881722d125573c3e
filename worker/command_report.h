// One line a command trial's program writes on HPSWEEP_REPORT_FD (docs/command-trials.md): a
// JSON object with the epoch and numbers, `{"epoch": 3, "test_error": 0.21}`.
#pragma once

#include <cstdint>
#include <string>

#include "common/metrics.h"

namespace hpsweep {

// The epoch's metrics: each key that names a curve (common/metrics.h) fills it, other keys are
// the program's own (kept in its reports file only), curves it does not give are NaN.
// Throws std::runtime_error saying what is wrong: not a JSON object of numbers, an epoch other
// than `expected_epoch`, or no `metric` key.
EpochMetrics parse_report(const std::string& line, int64_t expected_epoch,
                          const std::string& metric);

}  // namespace hpsweep
