// One trial of a sweep, as the coordinator hands it to a worker: its id, its seed (derived
// from the sweep seed and the id), its full configuration and the values swept for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_fields.h"
#include "common/spec.h"
#include "common/trial_config.h"

namespace hpsweep {

struct SweptValue {
  std::string path;
  ConfigValue value;
};

struct Trial {
  int64_t id = 0;
  uint64_t seed = 0;
  TrialConfig config;
  std::vector<SweptValue> swept;
  MetricSpec metric;  // picks the best epoch for the best-so-far checkpoint
  // Trials with the same swept values, training.seed aside, share a configuration; they are its
  // repeats (spec `repeats`, or a swept training.seed) and folds (config.dataset.fold).
  int64_t configuration = 0;
  int64_t repeat = 0;
};

// What makes trials repeats of one configuration: their swept values without training.seed,
// as text ("model.dropout: 0.5, training.lr: 0.1").
std::string configuration_key(const std::vector<SweptValue>& swept);

// The name of a trial's HDF5 group and checkpoint file: zero-padded so they sort.
std::string trial_name(int64_t id);

// `trial` training with `values` (PBT's explored hyperparameters) instead of its own; they
// replace its swept values of the same path, and the others are appended in order.
Trial with_values(Trial trial, const std::vector<SweptValue>& values);

// "training.lr: 0.1, model.dropout: 0.2"
std::string hyperparameters_text(const std::vector<SweptValue>& values);

// Everything a trial's configuration holds, one "path: value" line per field, in the order
// of config_fields(): stored in sweep.h5, and compared when a sweep is resumed.
std::string config_text(const TrialConfig& config);

}  // namespace hpsweep
