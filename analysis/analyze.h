// `hpsweep analyze DIR`: the per-trial generalization table of a sweep and its best trial.
#pragma once

#include <ostream>
#include <string>

#include "analysis/table.h"
#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

enum class TableFormat { text, csv };

Table trial_table(const SweepRecord& sweep, const DiagnosisRule& rule);

// Prints the table; in text format also the best trial by the spec's metric.
void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    std::ostream& out);

}  // namespace hpsweep
