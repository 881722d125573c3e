// Shared Boost.Program_options plumbing for the subcommands.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace hpsweep {

// Parses `args` against `options` and `positional`; returns false when --help was asked for
// (and prints `usage`, the positional arguments by their names, e.g. SPEC, then the other
// options). Bad options throw UserError; a missing positional argument is named ("missing
// SPEC: the sweep's YAML spec").
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& options,
                        const boost::program_options::positional_options_description& positional,
                        const std::string& usage, boost::program_options::variables_map& values);

// The shortest text that reads back as `x` (std::to_chars): 0.15, not 0.14999999999999999.
std::string shortest_number(double x);

// A default value for a number option that --help shows as written.
template <typename T>
boost::program_options::typed_value<T>* number_option(T* target, T default_value) {
  return boost::program_options::value(target)->default_value(default_value,
                                                              shortest_number(default_value));
}

}  // namespace hpsweep
