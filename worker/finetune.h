// training.finetune on a built model (d2l 13.2): which of its tensors a checkpoint leaves to a
// fresh draw (reinit), which it never updates (freeze), and at what multiple of the rate the
// others train (lr_mult). Layers are named by prefixes of parameter names, matched at dots:
// "1" is layer 1's subtree ("1.weight", "1.0.conv1.weight"), never "10.weight".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/trial_config.h"
#include "worker/model.h"

namespace hpsweep {

bool under_layer(const std::string& name, const std::string& prefix);
bool under_any_layer(const std::string& name, const std::vector<std::string>& prefixes);

struct FinetuneNameProblem {
  std::string key;      // "training.finetune.freeze"
  std::string message;  // "'8' matches no parameter of the model (its layers: 0, 1, ...)"
};

// The first prefix of reinit, freeze or lr_mult that names no parameter of `model`.
std::optional<FinetuneNameProblem> finetune_name_problem(const Model& model,
                                                         const FinetuneConfig& finetune);

// Marks the parameters under `freeze` frozen and gives the others the multiplier of their
// longest matching lr_mult prefix (1 without one). Throws UserError naming the key for a
// prefix that names no parameter.
void apply_finetune(Model& model, const FinetuneConfig& finetune);

// For `describe`: what fine-tuning does to the parameters under `layer`, "reinit, lr x1",
// "frozen", "lr x0.1" (the first matching reinit prefix reinitializes); "mixed" when they
// differ, empty for a layer without parameters.
std::string finetune_role(const Model& model, const FinetuneConfig& finetune,
                          const std::string& layer);

}  // namespace hpsweep
