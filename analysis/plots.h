// `hpsweep analyze DIR --plots OUT`: PNG and SVG plots of a sweep, drawn by gnuplot (the
// installed program, Debian's gnuplot-nox). Each plot's data file and gnuplot script stay in
// OUT beside its images, so a user can restyle and redraw it. One idea per plot:
//   curves.{png,svg}            train and test error against epochs, best trials
//   param-<path>.{png,svg}      mean final train and test error against a swept parameter
//                               (log axis for learning rate and weight decay when all > 0)
//   gap-vs-train-size.{png,svg} mean generalization gap against dataset.train_subset
#pragma once

#include <string>
#include <vector>

#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

// Returns the image files written. Throws UserError when gnuplot is missing or fails.
std::vector<std::string> write_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                     const std::string& out_dir);

}  // namespace hpsweep
