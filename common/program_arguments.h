// A command trial's own arguments (docs/command-trials.md, "Arguments of your own"): the spec's
// `args:` block names them with their default values, `parameters:` sweeps them as `args.NAME`
// and model.command passes them as `${args.NAME}`, as it passes config fields.
//
// They behave as config fields (common/config_fields.h): find_config_field("args.x1") finds
// the field a spec declared, so that drawing, TPE, sweep.h5, resume and analysis treat them as
// any other field. The field table is static, while these names come from a spec; declaring
// adds a row for the rest of the process, and a later declaration of the same name with another
// kind replaces it, so rows are never removed and pointers to them stay valid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/config_fields.h"

namespace hpsweep {

inline constexpr std::string_view kProgramArgumentPrefix = "args.";

// Why `name` cannot name an argument (letters, digits and _, not starting with a digit), or
// nullopt when it can.
std::optional<std::string> program_argument_name_problem(const std::string& name);

// The field `args.NAME` of kind `kind` (boolean, integer, real or text), its value held in
// TrialConfig::args.
const ConfigField& declare_program_argument(const std::string& name, ValueKind kind);

// The field of `path` ("args.x1") as last declared, nullptr when none was.
const ConfigField* find_program_argument(std::string_view path);

}  // namespace hpsweep
