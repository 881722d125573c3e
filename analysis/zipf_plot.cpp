#include "analysis/zipf_plot.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/gnuplot.h"
#include "common/error.h"
#include "common/temp_folder.h"

namespace hpsweep {
namespace {

constexpr double kPointsPerDecade = 100;

// "rank count" lines of the ranks kept: the first, each next at least 1/100 of a decade (and
// one rank) past the last kept, and the last.
std::string thinned_points(const std::vector<int64_t>& counts) {
  std::string out;
  const double step = std::pow(10.0, 1 / kPointsPerDecade);
  double next = 1;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double rank = static_cast<double>(i + 1);
    if (rank < next && i + 1 != counts.size()) continue;
    out += std::to_string(i + 1) + " " + std::to_string(counts[i]) + "\n";
    next = std::max(rank + 1, rank * step);
  }
  return out;
}

}  // namespace

void draw_zipf_plot(const std::vector<RankCurve>& curves, const std::string& title,
                    const std::string& out) {
  const std::string extension = std::filesystem::path(out).extension().string();
  if (extension != ".png" && extension != ".svg")
    throw UserError(out + ": a plot's name must end in .png or .svg");
  std::string script;
  std::string plot = "plot";
  for (size_t i = 0; i < curves.size(); ++i) {
    if (curves[i].counts.empty()) continue;
    const std::string block = "$curve" + std::to_string(i);
    script += block + " << EOD\n" + thinned_points(curves[i].counts) + "EOD\n";
    plot += std::string(plot == "plot" ? " " : ", ") + block + " using 1:2 with lines lw 2 title " +
            gp_string(curves[i].title);
  }
  script += std::string("set terminal ") + (extension == ".png" ? "pngcairo" : "svg") +
            " noenhanced size 800,560 font 'Sans,11'\n";
  script += "set output " + gp_string(std::filesystem::absolute(out).string()) + "\n";
  script += "set title " + gp_string(title) + "\n";
  script +=
      "set logscale xy\nset format x '%g'\nset format y '%g'\n"
      "set xlabel 'rank (token: x)'\nset ylabel 'frequency: n(x)'\nset grid\n"
      "set key top right\n";
  script += plot + "\nunset output\n";
  TempFolder dir("hpsweep-zipf");
  std::ofstream(dir / "zipf.gp") << script;
  run_gnuplot(dir.path(), "zipf.gp");
}

}  // namespace hpsweep
