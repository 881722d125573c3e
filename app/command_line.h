// Shared Boost.Program_options plumbing for the subcommands.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace hpsweep {

// Parses `args` against `options` and `positional`; returns false when --help was asked for
// (and prints `usage` and the options). Bad options throw UserError.
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& options,
                        const boost::program_options::positional_options_description& positional,
                        const std::string& usage, boost::program_options::variables_map& values);

}  // namespace hpsweep
