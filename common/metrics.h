// What a trial reports: one EpochMetrics per finished epoch, and a status at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

struct EpochMetrics {
  int64_t epoch = 0;                       // 1-based
  double train_loss = 0, train_error = 0;  // averaged over the epoch's minibatches, as d2l does
  double test_loss = 0, test_error = 0;    // evaluated after the epoch, dropout off
  double wall_seconds = 0;                 // the whole epoch: training and evaluation
  double samples_per_second = 0;           // training samples over training time only
};

// The curve names in sweep.h5, in column order.
const std::vector<std::string>& curve_names();
double curve_value(const EpochMetrics& metrics, const std::string& name);
void set_curve_value(EpochMetrics& metrics, const std::string& name, double value);

// paused: waiting at a scheduler's rung or barrier, its checkpoint kept; stopped: ended early by
// the scheduler (docs/schedulers.md). Appended last so that the older values keep their numbers.
enum class TrialStatus {
  pending,
  running,
  completed,
  diverged,
  failed,
  interrupted,
  paused,
  stopped
};

std::string status_name(TrialStatus status);
TrialStatus parse_status(const std::string& name);  // throws std::invalid_argument

}  // namespace hpsweep
