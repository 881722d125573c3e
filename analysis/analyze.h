// `hpsweep analyze DIR`: the tables of a sweep's generalization analysis (docs/analysis.md):
//   trials          one row per trial: errors, gap, the epoch the metric selected and the test
//                   error there, diagnosis
//   ranking         configurations by the mean of the metric's best value over their repeats
//                   and folds, with spread (n, sd, 95% CI) when there are several
//   <path>          one table per swept parameter: its effect over its values
// then with a trial scheduler "decisions", and for PBT the best trial's "lineage".
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/configurations.h"
#include "analysis/table.h"
#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

enum class TableFormat { text, csv, json };

// A language-model sweep's text sample, printed by `analyze` and `report`; drawn by
// app/best_trial_sample.h, as the analysis itself loads no model.
struct TextSample {
  std::string caption;  // whose, from which parameters, how: "trial 0001 (its /best, ...)"
  std::string text;     // empty when the caption says why there is none
};

Table trial_table(const SweepRecord& sweep, const DiagnosisRule& rule);
Table ranking_table(const SweepRecord& sweep, const DiagnosisRule& rule);
// Rows: the parameter's values (numeric order when numeric), then `absent` for the trials
// without it (a failed condition); columns: configurations and trials, the mean test error at
// the selected epochs with its 95% CI over trials, the best configuration's mean metric, the
// mean gap, and how many trials each label got.
Table parameter_table(const SweepRecord& sweep, const std::string& path, const DiagnosisRule& rule);

std::vector<NamedTable> analysis_tables(const SweepRecord& sweep, const DiagnosisRule& rule);

// The trial with the best value of the metric (any configuration); -1 when none has one.
int64_t best_trial_id(const SweepRecord& sweep, const DiagnosisRule& rule);

// A table's heading, e.g. "Effect of training.lr".
std::string table_title(const std::string& name, const SweepRecord& sweep,
                        const DiagnosisRule& rule);

// "0.1234", the format of every error in the tables; empty for NaN.
std::string error_text(double value);

// The generalization gap's column name: "gap" (test minus training error), or for language
// models "perplexity_ratio" (test / training perplexity).
std::string gap_name(const DiagnosisRule& rule);

// text: every table, aligned, with the best configuration and `sample`; json: every table;
// with `table` (any format) only that one. Throws UserError for an unknown table name.
void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    const std::string& table, std::ostream& out,
                    const std::optional<TextSample>& sample = std::nullopt);

}  // namespace hpsweep
