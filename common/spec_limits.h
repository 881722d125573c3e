// The figures a spec's `limits` cap (docs/spec.md, "Limits"), computed from the parsed spec
// without expanding its trials or building a model, so that a spec of 10^12 trials or a model
// of 10^12 parameters is refused at once instead of exhausting memory.
#pragma once

#include <cstdint>

#include "common/spec.h"

namespace hpsweep {

struct TrialCount {
  double trials;
  bool exact;  // false: counting stopped once past stop_above, and `trials` is a lower bound
};

// The sweep's trials: configurations (the grid's combinations, conditions applied, or run_cap
// draws; capped by run_cap) x repeats x folds. A grid whose conditions make it branch is
// counted branch by branch until the count passes `stop_above`.
TrialCount count_trials(const SweepSpec& spec, double stop_above);

// The parameters of the model `config` names (width and depth unset: the type's defaults) on
// the dataset `dataset` (its classes, or the k of dataset.classes; a text dataset's vocabulary,
// read from its file): its layers as the registry writes them (common/model_types.h), counted
// by walking their shapes, without building anything. Exact where the network fits its input.
double estimate_parameters(const ModelConfig& config, const DatasetConfig& dataset);

// The largest model a trial of the spec can have: for each model type, the widest width and
// the deepest depth that may go with it (a `when` on model.type is followed, other conditions
// are taken to hold). `blame`: the key that makes it large (model.width, model.depth or
// model.type).
struct LargestModel {
  ModelConfig config;
  double parameters = 0;
  std::string blame;
};
LargestModel largest_model(const SweepSpec& spec);

// The largest dataset a trial of the spec draws into memory, per process (each rank of a group
// holds its own): fmnist-detection's canvases, train and test, S x S floats each, at the
// largest train_subset, test_subset and input_size the spec gives or sweeps (unset: Fashion-
// MNIST's 60,000 and 10,000 images, 64 pixels). Zero for sets read from files as they are,
// whose size the files bound; classifiers resize per batch (worker/data/input_pipeline.h).
// `blame`: dataset.input_size when the canvases are larger than the default, else
// dataset.train_subset.
struct LargestData {
  int64_t canvases = 0, side = 0;
  double bytes = 0;
  std::string blame;
};
LargestData largest_data(const SweepSpec& spec);

}  // namespace hpsweep
