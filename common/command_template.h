// `model.command`'s arguments (docs/command-trials.md): text in which `${path}` stands for a
// value of the trial, a config field ("${training.lr}") or one of kTrialPlaceholders. Checked
// when the spec loads, expanded when the trial's program starts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/trial.h"

namespace hpsweep {

// The trial's own names: its id, its seed, and its folder in the sweep folder (where its
// program's output is kept).
inline constexpr const char* kTrialPlaceholders = "trial.id, trial.seed, trial.folder";

// Why `argument` cannot be expanded for any trial ("unknown path '${training.lrr}' ..."), or
// nullopt when every placeholder is well formed and names a field, an argument `config`
// declares (`${args.NAME}`) or a trial name.
std::optional<std::string> command_argument_problem(const std::string& argument,
                                                    const TrialConfig& config);

// `command` with every placeholder replaced by the trial's value (a config field's value as
// config_text writes it); `folder` is the trial's folder. Assumes command_argument_problem
// found nothing.
std::vector<std::string> expand_command(const std::vector<std::string>& command, const Trial& trial,
                                        const std::string& folder);

}  // namespace hpsweep
