// The rules of training.lr_schedule that span several of its keys, which no single field's
// check sees: each type's required keys, keys that none of the sweep's types uses, and one
// warm-up length at most. The spec loader locates the problem (common/spec_loader.cpp).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/spec.h"

namespace hpsweep {

struct LrScheduleProblem {
  std::string at;   // the dotted path whose value the error points at
  std::string key;  // the dotted key the error names
  std::string message;
};

// `given`: the dotted paths written in the spec's blocks. A swept or mutated path counts as
// given; a swept type brings each of its values.
std::optional<LrScheduleProblem> lr_schedule_problem(const SweepSpec& spec,
                                                     const std::set<std::string>& given);

}  // namespace hpsweep
