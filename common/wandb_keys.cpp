#include "common/wandb_keys.h"

#include <algorithm>
#include <array>

namespace hpsweep {
namespace {

// W&B's sweep schema (wandb/sweeps config/schema.json) and docs: the agent's program and
// command line, the W&B project, its launch and controller settings.
constexpr std::array<std::string_view, 9> kTopLevel = {"program",   "command",    "project",
                                                       "entity",    "controller", "job",
                                                       "image_uri", "apiVersion", "kind"};
// `target` ends a W&B sweep once a run reaches it; `impute*` feed W&B's bayes search.
constexpr std::array<std::string_view, 3> kMetric = {"target", "impute", "impute_while_running"};

}  // namespace

bool is_ignored_wandb_key(std::string_view top_level_key) {
  return std::find(kTopLevel.begin(), kTopLevel.end(), top_level_key) != kTopLevel.end();
}

bool is_ignored_wandb_metric_key(std::string_view metric_key) {
  return std::find(kMetric.begin(), kMetric.end(), metric_key) != kMetric.end();
}

std::string ignored_keys_warning(const std::string& source, const std::vector<std::string>& keys) {
  std::string text = source + ": ignored W&B keys hpsweep does not use: ";
  for (size_t i = 0; i < keys.size(); ++i) text += (i ? ", " : "") + keys[i];
  return text;
}

}  // namespace hpsweep
