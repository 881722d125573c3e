// A trial's state at the end of an epoch, as written to checkpoints/<id>.h5: the parameters
// (PyTorch names and layouts, forward order), the best-by-metric parameters so far, the
// optimizer state and what the random streams need to continue. The random streams are
// counter-based (common/rng.h), so their state is the trial seed and the next epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/tensor.h"

namespace hpsweep {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

struct OptimizerState {
  std::string type = "sgd";
  double lr = 0, weight_decay = 0;
  int64_t steps = 0;
  std::vector<NamedTensor> buffers;  // per-parameter state (momentum, Adam moments); none for SGD
};

struct CheckpointData {
  int64_t trial_id = 0;
  int64_t epoch = 0;  // epochs finished
  uint64_t seed = 0;  // the trial seed: with `epoch`, the full RNG state
  std::vector<NamedTensor> params;
  std::vector<NamedTensor> best_params;
  int64_t best_epoch = 0;
  std::string metric_name;
  double best_metric = 0;
  OptimizerState optimizer;
  std::vector<EpochMetrics> history;  // epochs 1..epoch: a resumed trial's curves so far
};

}  // namespace hpsweep
