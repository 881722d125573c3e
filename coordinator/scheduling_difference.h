// Whether two specs schedule their trials alike: the keys that change which trials run and for
// how long (method, seed, run_cap, repeats, early_terminate and its settings, the PBT
// settings), compared one by one so that a resume names the key that changed.
#pragma once

#include <optional>
#include <string>

#include "common/spec.h"

namespace hpsweep {

// "KEY is A in the stored spec, B in this one" for the first key that differs; nullopt when
// they all agree.
std::optional<std::string> describe_scheduling_difference(const SweepSpec& stored,
                                                          const SweepSpec& current);

}  // namespace hpsweep
