// Bitwise comparisons of training results, for tests that two runs (resumed and whole, a
// written network and a built-in one, ...) train the same trajectory.
#pragma once

#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "storage/sweep_file.h"

namespace hpsweep::testing {

// The same names, shapes and bits, in the same order; `what` labels failures.
void expect_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b,
                         const std::string& what = "");

// Every trial's status, message and every curve but the timings (wall_seconds,
// samples_per_second), bit for bit.
void expect_same_curves(const SweepRecord& a, const SweepRecord& b, const std::string& what = "");

}  // namespace hpsweep::testing
