// The parts of a trial's data: the training part it fits, the held-out validation part that
// selects epochs and trials (d2l 3.11), and the test set. The split is a function of the
// dataset's seed and the spec only, so every trial of a sweep (and every rank of a group)
// holds out the same samples.
//
// Rule (docs/analysis.md gives it with an example): take the training set after
// dataset.train_subset, classes and train_per_class. Stratify by class (a regression set is one
// class). Shuffle each class's sample indices (in file order) with Rng(counter_hash({dataset.seed,
// "hold", class})) by Fisher-Yates from the last position down.
//   validation = N: class c gives floor(N * n_c / n) samples, and the N - sum of those left go
//     one each to the classes with the largest remainders (ties: lower class first); each
//     class gives the first of its shuffled indices.
//   kfold = K: the classes' shuffled lists are concatenated in class order; the sample at
//     position p belongs to fold p mod K. The trial's fold is its validation part.
// Both parts keep file order; the training order within an epoch is the trial's own shuffle.
#pragma once

#include <cstdint>
#include <vector>

#include "common/trial_config.h"
#include "worker/data/dataset.h"

namespace hpsweep {

struct TrialData {
  Dataset train;       // what the trial fits
  Dataset validation;  // empty without dataset.validation or dataset.kfold
  Dataset test;
};

// How many of `train_size` training samples dataset.validation holds out (a fraction below 1
// rounds to the nearest count). Throws UserError naming the key when the spec holds out
// nothing or everything, or gives both validation and kfold.
int64_t validation_count(const DatasetConfig& config, int64_t train_size);

// Indices (ascending) of the held-out samples of `labels` (empty for a regression set of
// `size` samples) under `config`: the rule above.
std::vector<int64_t> holdout_indices(const DatasetConfig& config,
                                     const std::vector<int32_t>& labels, int64_t classes,
                                     int64_t size);

// `data` with dataset.train_subset and test_subset applied, then dataset.classes and
// train_per_class (worker/data/class_selection.h), then split as above.
TrialData split_trial_data(const TrainTestData& data, const DatasetConfig& config);

}  // namespace hpsweep
