// Driving gnuplot (the installed program, Debian's gnuplot-nox): quoting text into a script
// and running one.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hpsweep {

// A gnuplot string in single quotes (no escapes; a quote is doubled).
std::string gp_string(const std::string& text);

// A gnuplot string in double quotes, where "\n" breaks the line.
std::string gp_lines(const std::vector<std::string>& lines);

// Runs `gnuplot SCRIPT` in `dir`, its messages into SCRIPT's stem + ".log" there, removed on
// success. Throws UserError naming the script, with gnuplot's messages, when it fails.
void run_gnuplot(const std::filesystem::path& dir, const std::string& script);

}  // namespace hpsweep
