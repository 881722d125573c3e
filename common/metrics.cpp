#include "common/metrics.h"

#include <stdexcept>

namespace hpsweep {

const std::vector<std::string>& curve_names() {
  static const std::vector<std::string> names = {
      "epoch",      "train_loss",   "train_error",       "test_loss",
      "test_error", "wall_seconds", "samples_per_second"};
  return names;
}

double curve_value(const EpochMetrics& m, const std::string& name) {
  if (name == "epoch") return static_cast<double>(m.epoch);
  if (name == "train_loss") return m.train_loss;
  if (name == "train_error") return m.train_error;
  if (name == "test_loss") return m.test_loss;
  if (name == "test_error") return m.test_error;
  if (name == "wall_seconds") return m.wall_seconds;
  if (name == "samples_per_second") return m.samples_per_second;
  throw std::invalid_argument("unknown metric '" + name + "'");
}

namespace {
constexpr const char* kStatusNames[] = {"pending",  "running", "completed",
                                        "diverged", "failed",  "interrupted"};
}

std::string status_name(TrialStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

TrialStatus parse_status(const std::string& name) {
  for (int i = 0; i < 6; ++i)
    if (name == kStatusNames[i]) return static_cast<TrialStatus>(i);
  throw std::invalid_argument("unknown trial status '" + name + "'");
}

}  // namespace hpsweep
