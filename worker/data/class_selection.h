// dataset.classes and dataset.train_per_class: a set cut down to some of its classes,
// relabelled 0..k-1 in the listed order, and to the first N samples of each class in file
// order. Deterministic: no randomness, so every trial and rank selects the same samples.
// Where it sits in a trial's data: docs/spec.md, "Class subsets".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/trial_config.h"
#include "worker/data/dataset.h"

namespace hpsweep {

// The samples of `set` whose class is listed in `classes` (empty: every class), relabelled
// to their position in the list, in file order; with per_class > 0 only the first per_class of
// each. Throws UserError naming the key when a class is not one of the set's or has fewer
// than per_class samples.
Dataset select_classes(const Dataset& set, const std::vector<int64_t>& classes, int64_t per_class);

// Why a training set with `counts` samples of each class (by original label) cannot give
// config's train_per_class of each listed class ("class 5 has 12 samples ..."); nullopt when
// it can. The message leaves out the key (dataset.train_per_class).
std::optional<std::string> class_shortage(const std::vector<int64_t>& counts,
                                          const DatasetConfig& config);

// The size of the training set selected from one with `counts` samples of each class.
int64_t selected_size(const std::vector<int64_t>& counts, const DatasetConfig& config);

}  // namespace hpsweep
