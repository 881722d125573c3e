#include "common/metrics.h"

#include <iterator>
#include <stdexcept>

namespace hpsweep {
namespace {

struct Curve {
  const char* name;
  double EpochMetrics::*member;  // null: the epoch, an integer
};

// Column order in sweep.h5 and checkpoints.
constexpr Curve kCurves[] = {
    {"epoch", nullptr},
    {"train_loss", &EpochMetrics::train_loss},
    {"train_error", &EpochMetrics::train_error},
    {"test_loss", &EpochMetrics::test_loss},
    {"test_error", &EpochMetrics::test_error},
    {"val_loss", &EpochMetrics::val_loss},
    {"val_error", &EpochMetrics::val_error},
    {"train_eval_loss", &EpochMetrics::train_eval_loss},
    {"train_eval_error", &EpochMetrics::train_eval_error},
    {"wall_seconds", &EpochMetrics::wall_seconds},
    {"samples_per_second", &EpochMetrics::samples_per_second},
    {"lr", &EpochMetrics::lr},
    {"grad_norm_mean", &EpochMetrics::grad_norm_mean},
    {"grad_norm_max", &EpochMetrics::grad_norm_max},
    {"train_perplexity", &EpochMetrics::train_perplexity},
    {"test_perplexity", &EpochMetrics::test_perplexity},
    {"train_box_mae", &EpochMetrics::train_box_mae},
    {"test_box_mae", &EpochMetrics::test_box_mae},
    {"test_map50", &EpochMetrics::test_map50},
    {"test_map50_95", &EpochMetrics::test_map50_95},
};

const Curve& find_curve(const std::string& name) {
  for (const Curve& c : kCurves)
    if (name == c.name) return c;
  throw std::invalid_argument("unknown metric '" + name + "'");
}

}  // namespace

const std::vector<std::string>& curve_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const Curve& c : kCurves) all.push_back(c.name);
    return all;
  }();
  return names;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {
      "val_error",  "val_loss",         "test_error",      "test_loss",       "train_error",
      "train_loss", "train_eval_error", "train_eval_loss", "test_perplexity", "train_perplexity",
      "test_map50", "test_map50_95",    "train_box_mae",   "test_box_mae"};
  return names;
}

double curve_value(const EpochMetrics& m, const std::string& name) {
  const Curve& c = find_curve(name);
  return c.member ? m.*c.member : static_cast<double>(m.epoch);
}

void set_curve_value(EpochMetrics& m, const std::string& name, double value) {
  const Curve& c = find_curve(name);
  if (c.member)
    m.*c.member = value;
  else
    m.epoch = static_cast<int64_t>(value);
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
