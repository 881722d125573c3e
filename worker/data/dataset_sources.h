// Where each dataset of the registry (common/dataset_types.h) comes from, by name: the worker's
// half of the registry. tests/test_model_registry.cpp checks that the two halves name the same
// sets.
#pragma once

#include <string>
#include <vector>

#include "common/dataset_types.h"
#include "common/trial_config.h"
#include "worker/data/dataset.h"

namespace hpsweep {

struct DatasetSource {
  std::string name;
  // Both splits as stored, before dataset.input_size, classes and the holdout.
  TrainTestData (*load)(const DatasetConfig& config, const DatasetType& type);
  // Their shapes, without loading the samples.
  DatasetShape (*inspect)(const DatasetConfig& config, const DatasetType& type);
  // Training samples per class among the first train_subset; nullptr for a set without classes.
  std::vector<int64_t> (*train_class_counts)(const DatasetConfig& config,
                                             const DatasetType& type) = nullptr;
};

const std::vector<DatasetSource>& dataset_sources();
// nullptr when no source has this name.
const DatasetSource* find_dataset_source(const std::string& name);

}  // namespace hpsweep
