// The diagnosis thresholds as command-line options: `analyze` and `report` take the same ones,
// so they give the same labels.
#pragma once

#include <boost/program_options.hpp>

#include "analysis/trial_summary.h"

namespace hpsweep {

void add_diagnosis_options(boost::program_options::options_description& options,
                           DiagnosisRule& rule);

}  // namespace hpsweep
