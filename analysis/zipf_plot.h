// d2l 8.3's frequency-rank figure (Zipf's law): each curve's counts against their rank, on
// log-log axes, drawn by gnuplot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

struct RankCurve {
  std::string title;            // "unigram"
  std::vector<int64_t> counts;  // most frequent first
};

// Draws `curves` under `title` into `out`, a PNG or SVG by its extension (UserError for
// another). A curve without counts is left out. Long curves are thinned to about 100 points
// per decade of rank, which a log axis cannot tell apart from all of them.
void draw_zipf_plot(const std::vector<RankCurve>& curves, const std::string& title,
                    const std::string& out);

}  // namespace hpsweep
