// The keys of a W&B sweep file that hpsweep reads no meaning from: what W&B's agent launches
// and where W&B stores the runs (`program`, `command`, `project`, ...), and the metric's
// `target` and `impute` settings. A W&B file loads with them, and the loader reports them once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hpsweep {

bool is_ignored_wandb_key(std::string_view top_level_key);
bool is_ignored_wandb_metric_key(std::string_view metric_key);

// "FILE: ignored W&B keys hpsweep does not use: program, command"; keys in file order.
std::string ignored_keys_warning(const std::string& source, const std::vector<std::string>& keys);

}  // namespace hpsweep
