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

// One kind of per-parameter optimizer state, named as in PyTorch's optimizer state_dict
// ("momentum_buffer", "exp_avg", "exp_avg_sq"): a tensor per parameter, named by the parameter.
struct ParameterStates {
  std::string kind;
  std::vector<NamedTensor> tensors;
};

struct OptimizerState {
  std::string type = "sgd";  // sgd | adam
  double lr = 0, weight_decay = 0;
  int64_t steps = 0;
  std::vector<ParameterStates> buffers;  // none for SGD without momentum
  double momentum = 0;                   // sgd
  double beta1 = 0, beta2 = 0, eps = 0;  // adam
};

// One detection of a detector on a test image: the image's index in the test part, the object
// class (from 0), the score and the box in normalized corners (docs/detection.md).
struct StoredDetection {
  int64_t image, class_id;
  float score;
  float x1, y1, x2, y2;
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
  // Detectors: every test detection of the best epoch, so that its mAP can be recomputed
  // (under /best/detections).
  std::vector<StoredDetection> best_detections;
  OptimizerState optimizer;
  std::vector<EpochMetrics> history;  // epochs 1..epoch: a resumed trial's curves so far
  // Whose weights these descend from: the last PBT exploit copy into this trial, from trial
  // `copied_from` at epoch `copied_at`; -1 and 0 when it trains its own. Carried into every
  // later checkpoint of the trial, so a resume can check the journal's `copied` records.
  int64_t copied_from = -1, copied_at = 0;
  // What the file holds: while the trial may go on, its last state, and the best unless its
  // `checkpoint.keep` is last or none; once it has finished, what `keep` retains
  // (storage/checkpoint_file.h). The last state is `params`, `optimizer` and the RNG; the best
  // is `best_params` with its epoch and metric.
  bool has_last = true, has_best = true;
};

}  // namespace hpsweep
