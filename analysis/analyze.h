// `hpsweep analyze DIR`: the tables of a sweep's generalization analysis (docs/analysis.md):
//   trials      one row per trial: errors, gap, best epoch, diagnosis
//   ranking     trials by the spec's metric, with diagnosis and overfitting onset
//   <path>      one table per swept parameter: its effect over its values
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "analysis/table.h"
#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

enum class TableFormat { text, csv, json };

Table trial_table(const SweepRecord& sweep, const DiagnosisRule& rule);
Table ranking_table(const SweepRecord& sweep, const DiagnosisRule& rule);
// Rows: the parameter's values (numeric order when numeric), then `absent` for the trials
// without it (a failed condition); columns: trials, best and mean
// final test error, mean gap, and how many trials under- and overfit.
Table parameter_table(const SweepRecord& sweep, const std::string& path, const DiagnosisRule& rule);

// Every table, named: "trials", "ranking", one per swept parameter (its dotted path), then
// with a trial scheduler "decisions", and for PBT the best trial's "lineage"
// (analysis/scheduler_tables.h).
std::vector<NamedTable> analysis_tables(const SweepRecord& sweep, const DiagnosisRule& rule);

// A table's heading, e.g. "Effect of training.lr".
std::string table_title(const std::string& name, const SweepRecord& sweep,
                        const DiagnosisRule& rule);

// text: every table, aligned, and the best trial; json: every table; csv: the one named
// `table` (default "trials"). Throws UserError for an unknown table name.
void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    const std::string& table, std::ostream& out);

}  // namespace hpsweep
