// `hpsweep analyze DIR --plots OUT`: PNG and SVG plots of a sweep, drawn by gnuplot (the
// installed program, Debian's gnuplot-nox). Each plot's data file (NAME.dat) and gnuplot script
// (NAME.gp) stay in OUT beside its images, so a user can restyle and redraw it. One idea per
// plot:
//   curves                 train, validation and test error against epochs for the best
//                          configurations (by the mean of the metric), each line the mean over
//                          the configuration's repeats and folds, labelled by its values
//   curves-all-<k>         small multiples: one panel per trial (16 per image), its training
//                          (during the epoch, and in evaluation mode when recorded), validation
//                          and test error against epochs, titled by its values
//   param-<path>           per swept parameter (training.seed aside): the training error at the
//                          end (median of the last `smooth` epochs), the test error at the epoch
//                          the metric selected, and the metric when it is another error, each
//                          the mean over the trials at that value with a 95% CI error bar; the
//                          subtitle names what the mean is over; with other parameters, also
//                          the line of the best configuration at each value
//   interaction-<p1>-by-<p2>
//                          the metric's best value against p1, one line per value of p2 (at
//                          most 6 values), mean and 95% CI over the trials of that cell; one
//                          plot per pair of swept parameters, at most 6 plots
//   complexity-<path>      d2l's model-complexity figure, when model.depth, model.width or
//                          dataset.features (polynomial degree) is swept: training, validation
//                          and test error at the end of training against it (the U-shaped test
//                          curve), mean and 95% CI
//   train-size             the same against dataset.train_subset, when it is swept
// Axes: explicit ticks at the values of an integer or text parameter (no tick at depth 1.5), a
// log axis for training.lr and training.weight_decay when all values are > 0 (evenly spaced
// labelled points when one is 0) and for dataset.train_subset spanning a factor of 10 or more;
// a log error axis when errors span more than a factor of 100 (regression). Error bars are
// drawn (gnuplot yerrorlines) when some point has two trials or more; their half-width is 0 in
// the data file where n < 2. `<path>` is the dotted path with '.' replaced by '-'.
#pragma once

#include <string>
#include <vector>

#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

struct PlotFile {
  std::string name;   // "param-training-lr": NAME.png, NAME.svg, NAME.dat, NAME.gp in the folder
  std::string title;  // one line, for the report's headings
};

// Draws every plot above into `out_dir`, in the order listed. Throws UserError when gnuplot is
// missing or fails.
std::vector<PlotFile> draw_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                 const std::string& out_dir);

// As draw_plots; returns the image files written (PNG then SVG of each plot).
std::vector<std::string> write_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                     const std::string& out_dir);

}  // namespace hpsweep
