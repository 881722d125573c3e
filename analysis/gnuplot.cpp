#include "analysis/gnuplot.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace hpsweep {

std::string gp_string(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string gp_lines(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

void run_gnuplot(const std::filesystem::path& dir, const std::string& script) {
  const std::string log = std::filesystem::path(script).stem().string() + ".log";
  const std::string command =
      "cd '" + dir.string() + "' && gnuplot '" + script + "' 2>'" + log + "'";
  if (std::system(command.c_str()) != 0) {
    std::ifstream in(dir / log);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    throw UserError((dir / script).string() +
                    ": gnuplot failed (is gnuplot-nox installed?): " + text);
  }
  std::filesystem::remove(dir / log);
}

}  // namespace hpsweep
