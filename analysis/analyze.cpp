#include "analysis/analyze.h"

#include <cstdio>

#include "common/trial.h"

namespace hpsweep {
namespace {

std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

std::string signed_fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.4f", value);
  return buffer;
}

}  // namespace

Table trial_table(const SweepRecord& sweep, const DiagnosisRule& rule) {
  Table table;
  table.header = {"trial", "status"};
  for (const std::string& p : sweep.swept_parameters) table.header.push_back(p);
  for (const char* column :
       {"epochs", "train_error", "test_error", "gap", "best_test_error", "best_epoch", "diagnosis"})
    table.header.push_back(column);
  for (const TrialRecord& trial : sweep.trials) {
    const TrialSummary s = summarize_trial(trial, sweep.metric, rule);
    std::vector<std::string> row = {trial_name(trial.id), status_name(trial.status)};
    for (const SweptValue& v : trial.swept) row.push_back(value_string(v.value));
    row.push_back(std::to_string(s.epochs));
    if (s.epochs == 0) {
      for (int i = 0; i < 5; ++i) row.push_back("");
    } else {
      row.insert(row.end(),
                 {fixed(s.final_train_error), fixed(s.final_test_error), signed_fixed(s.gap),
                  fixed(s.best_test_error), std::to_string(s.best_test_epoch)});
    }
    row.push_back(s.diagnosis);
    table.rows.push_back(std::move(row));
  }
  return table;
}

void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    std::ostream& out) {
  const Table table = trial_table(sweep, rule);
  if (format == TableFormat::csv) {
    print_csv(table, out);
    return;
  }
  out << "sweep '" << sweep.name << "': " << sweep.trials.size() << " trials, metric "
      << sweep.metric.name << " (" << (sweep.metric.minimize ? "minimize" : "maximize") << ")\n\n";
  print_aligned(table, out);
  const TrialRecord* best = nullptr;
  double best_value = 0;
  for (const TrialRecord& trial : sweep.trials) {
    const TrialSummary s = summarize_trial(trial, sweep.metric, rule);
    if (!s.best_metric) continue;
    if (!best ||
        (sweep.metric.minimize ? *s.best_metric < best_value : *s.best_metric > best_value)) {
      best = &trial;
      best_value = *s.best_metric;
    }
  }
  out << "\n";
  if (!best) {
    out << "no trial has finished an epoch yet\n";
    return;
  }
  out << "best trial: " << trial_name(best->id) << " (" << sweep.metric.name << " "
      << fixed(best_value) << ")";
  for (const SweptValue& v : best->swept) out << "  " << v.path << "=" << value_string(v.value);
  out << "\n\ndiagnosis: overfitting = gap > " << fixed(rule.overfit_gap)
      << " or final test error more than " << fixed(rule.overfit_rise)
      << " above its minimum; else underfitting = final train error > "
      << fixed(rule.underfit_error) << "; else good fit\n";
}

}  // namespace hpsweep
