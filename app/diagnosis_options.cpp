#include "app/diagnosis_options.h"

#include "app/command_line.h"

namespace po = boost::program_options;

namespace hpsweep {

void add_diagnosis_options(po::options_description& options, DiagnosisRule& rule) {
  options.add_options()("smooth", number_option(&rule.smooth, rule.smooth),
                        "judge the medians of the last this many epochs")(
      "underfit-margin", number_option(&rule.underfit_margin, rule.underfit_margin),
      "underfitting: training error this far above the sweep's lowest")(
      "overfit-gap", number_option(&rule.overfit_gap, rule.overfit_gap),
      "overfitting: test minus training error above this")(
      "unstable-swing", number_option(&rule.unstable_swing, rule.unstable_swing),
      "unstable: the test error jumped up by more than this and came back")(
      "window", number_option(&rule.window, rule.window),
      "unstable: over the last this many epochs")(
      "relative-margin", number_option(&rule.relative_margin, rule.relative_margin),
      "regression and language-model sweeps: the margin over the sweep's lowest test error "
      "(perplexity)")("overfit-ratio", number_option(&rule.overfit_ratio, rule.overfit_ratio),
                      "language models: overfitting = test / training perplexity above this");
}

}  // namespace hpsweep
