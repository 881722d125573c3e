#include "app/diagnosis_options.h"

namespace po = boost::program_options;

namespace hpsweep {

void add_diagnosis_options(po::options_description& options, DiagnosisRule& rule) {
  options.add_options()("smooth", po::value(&rule.smooth)->default_value(rule.smooth),
                        "judge the means of the last this many epochs")(
      "underfit-margin", po::value(&rule.underfit_margin)->default_value(rule.underfit_margin),
      "underfitting: training error this far above the sweep's lowest")(
      "overfit-gap", po::value(&rule.overfit_gap)->default_value(rule.overfit_gap),
      "overfitting: held-out minus training error above this")(
      "unstable-swing", po::value(&rule.unstable_swing)->default_value(rule.unstable_swing),
      "unstable: the held-out error swung back and forth by more than this")(
      "window", po::value(&rule.window)->default_value(rule.window),
      "unstable: over the last this many epochs")(
      "relative-margin", po::value(&rule.relative_margin)->default_value(rule.relative_margin),
      "regression sweeps: the margin over the sweep's lowest held-out error");
}

}  // namespace hpsweep
