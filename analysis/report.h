// `hpsweep report DIR`: one self-contained HTML file with the spec, every analysis table and
// every plot (inline SVG): it opens in a browser with no server and no network.
#pragma once

#include <string>

#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

// The page as text; draws the plots with gnuplot in a temporary folder.
std::string render_report(const SweepRecord& sweep, const DiagnosisRule& rule);

}  // namespace hpsweep
