#include "common/metrics.h"

#include <iterator>
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

void set_curve_value(EpochMetrics& m, const std::string& name, double value) {
  if (name == "epoch")
    m.epoch = static_cast<int64_t>(value);
  else if (name == "train_loss")
    m.train_loss = value;
  else if (name == "train_error")
    m.train_error = value;
  else if (name == "test_loss")
    m.test_loss = value;
  else if (name == "test_error")
    m.test_error = value;
  else if (name == "wall_seconds")
    m.wall_seconds = value;
  else if (name == "samples_per_second")
    m.samples_per_second = value;
  else
    throw std::invalid_argument("unknown metric '" + name + "'");
}

namespace {
constexpr const char* kStatusNames[] = {"pending", "running",     "completed", "diverged",
                                        "failed",  "interrupted", "paused",    "stopped"};
}

std::string status_name(TrialStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

TrialStatus parse_status(const std::string& name) {
  for (int i = 0; i < static_cast<int>(std::size(kStatusNames)); ++i)
    if (name == kStatusNames[i]) return static_cast<TrialStatus>(i);
  throw std::invalid_argument("unknown trial status '" + name + "'");
}

}  // namespace hpsweep
