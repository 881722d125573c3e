#include "analysis/analyze.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "analysis/scheduler_tables.h"
#include "common/error.h"
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

// The trial's swept values, an empty cell for a parameter it lacks (a failed condition).
void append_values(const SweepRecord& sweep, const TrialRecord& trial,
                   std::vector<std::string>& row) {
  for (const std::string& path : sweep.swept_parameters) {
    const ConfigValue* value = trial.value_of(path);
    row.push_back(value ? value_string(*value) : "");
  }
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
    append_values(sweep, trial, row);
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

namespace {

struct RankedTrial {
  const TrialRecord* trial;
  TrialSummary summary;
};

// Trials with a recorded epoch, best first by the spec's metric (ties: lower id first).
std::vector<RankedTrial> ranked_trials(const SweepRecord& sweep, const DiagnosisRule& rule) {
  std::vector<RankedTrial> ranked;
  for (const TrialRecord& trial : sweep.trials) {
    TrialSummary s = summarize_trial(trial, sweep.metric, rule);
    if (s.best_metric) ranked.push_back({&trial, std::move(s)});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](const RankedTrial& a, const RankedTrial& b) {
    return sweep.metric.minimize ? *a.summary.best_metric < *b.summary.best_metric
                                 : *a.summary.best_metric > *b.summary.best_metric;
  });
  return ranked;
}

std::string mean_string(double sum, int count) {
  return count ? fixed(sum / count) : "";
}

}  // namespace

Table ranking_table(const SweepRecord& sweep, const DiagnosisRule& rule) {
  Table table;
  table.header = {"rank", "trial"};
  for (const std::string& p : sweep.swept_parameters) table.header.push_back(p);
  for (const std::string& column : {"best_" + sweep.metric.name, std::string("best_epoch"),
                                    std::string("diagnosis"), std::string("overfit_onset")})
    table.header.push_back(column);
  int rank = 0;
  for (const RankedTrial& r : ranked_trials(sweep, rule)) {
    std::vector<std::string> row = {std::to_string(++rank), trial_name(r.trial->id)};
    append_values(sweep, *r.trial, row);
    // The metric's best epoch, which is also the one saved under /best in the checkpoint.
    const std::vector<double>& values = r.trial->curves.at(sweep.metric.name);
    const auto best = std::find(values.begin(), values.end(), *r.summary.best_metric);
    row.push_back(fixed(*r.summary.best_metric));
    row.push_back(std::to_string(best - values.begin() + 1));
    row.push_back(r.summary.diagnosis);
    row.push_back(r.summary.overfit_onset ? std::to_string(*r.summary.overfit_onset) : "");
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table parameter_table(const SweepRecord& sweep, const std::string& path,
                      const DiagnosisRule& rule) {
  struct Effect {
    std::optional<ConfigValue> value;  // none: the trials without the parameter
    int trials = 0, finished = 0, underfit = 0, overfit = 0;
    double best_test_error = 0, test_error_sum = 0, gap_sum = 0;
  };
  std::vector<Effect> effects;
  for (const TrialRecord& trial : sweep.trials) {
    const ConfigValue* found = trial.value_of(path);
    const std::optional<ConfigValue> value = found ? std::optional(*found) : std::nullopt;
    auto it = std::find_if(effects.begin(), effects.end(),
                           [&](const Effect& e) { return e.value == value; });
    if (it == effects.end()) it = effects.insert(effects.end(), Effect{value});
    ++it->trials;
    const TrialSummary s = summarize_trial(trial, sweep.metric, rule);
    if (s.epochs == 0) continue;
    it->best_test_error =
        it->finished ? std::min(it->best_test_error, s.final_test_error) : s.final_test_error;
    ++it->finished;
    it->test_error_sum += s.final_test_error;
    it->gap_sum += s.gap;
    it->underfit += s.diagnosis == "underfitting";
    it->overfit += s.diagnosis == "overfitting";
  }
  std::stable_sort(effects.begin(), effects.end(), [](const Effect& a, const Effect& b) {
    if (!a.value || !b.value) return a.value.has_value() > b.value.has_value();  // absent last
    const auto x = value_number(*a.value), y = value_number(*b.value);
    return x && y ? *x < *y : value_string(*a.value) < value_string(*b.value);
  });
  Table table;
  table.header = {
      path,           "trials",     "best_final_test_error", "mean_final_test_error", "mean_gap",
      "underfitting", "overfitting"};
  for (const Effect& e : effects)
    table.rows.push_back({e.value ? value_string(*e.value) : "absent", std::to_string(e.trials),
                          e.finished ? fixed(e.best_test_error) : "",
                          mean_string(e.test_error_sum, e.finished),
                          mean_string(e.gap_sum, e.finished), std::to_string(e.underfit),
                          std::to_string(e.overfit)});
  return table;
}

std::vector<NamedTable> analysis_tables(const SweepRecord& sweep, const DiagnosisRule& rule) {
  std::vector<NamedTable> tables = {{"trials", trial_table(sweep, rule)},
                                    {"ranking", ranking_table(sweep, rule)}};
  for (const std::string& path : sweep.swept_parameters)
    tables.push_back({path, parameter_table(sweep, path, rule)});
  if (!sweep.decisions.empty()) tables.push_back({"decisions", decision_counts(sweep)});
  const std::vector<RankedTrial> ranked = ranked_trials(sweep, rule);
  if (!ranked.empty() && !ranked.front().trial->schedule.empty())
    tables.push_back({"lineage", lineage_table(sweep, ranked.front().trial->id)});
  return tables;
}

std::string table_title(const std::string& name, const SweepRecord& sweep,
                        const DiagnosisRule& rule) {
  if (name == "trials") return "Trials";
  if (name == "ranking") return "Ranking by " + sweep.metric.name;
  if (name == "decisions") return "Scheduler decisions";
  if (name == "lineage")
    return "Lineage of the best trial, " +
           trial_name(ranked_trials(sweep, rule).front().trial->id) +
           ": the trials that trained the weights of its last epoch";
  return "Effect of " + name;
}

void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    const std::string& table_name, std::ostream& out) {
  const std::vector<NamedTable> tables = analysis_tables(sweep, rule);
  if (format == TableFormat::json) {
    print_json(tables, out);
    return;
  }
  if (format == TableFormat::csv) {
    std::string known;
    for (const NamedTable& t : tables) {
      if (t.name == table_name) {
        print_csv(t.table, out);
        return;
      }
      known += (known.empty() ? "" : ", ") + t.name;
    }
    throw UserError("--table: no table '" + table_name + "' in this sweep (tables: " + known + ")");
  }
  out << "sweep '" << sweep.name << "': " << sweep.trials.size() << " trials, metric "
      << sweep.metric.name << " (" << (sweep.metric.minimize ? "minimize" : "maximize") << ")\n\n";
  print_aligned(tables[0].table, out);
  const std::vector<RankedTrial> ranked = ranked_trials(sweep, rule);
  out << "\n";
  if (ranked.empty()) {
    out << "no trial has finished an epoch yet\n";
    return;
  }
  const TrialRecord& best = *ranked.front().trial;
  out << "best trial: " << trial_name(best.id) << " (" << sweep.metric.name << " "
      << fixed(*ranked.front().summary.best_metric) << ")";
  for (const SweptValue& v : best.swept) out << "  " << v.path << "=" << value_string(v.value);
  out << "\n";
  for (size_t t = 1; t < tables.size(); ++t) {
    std::string title = table_title(tables[t].name, sweep, rule);
    title[0] = static_cast<char>(std::tolower(title[0]));
    out << "\n" << title << ":\n";
    print_aligned(tables[t].table, out);
  }
  out << "\ndiagnosis: " << rule.description()
      << ". overfit_onset: the epoch of the lowest test error, when training error still fell "
         "after it\n";
}

}  // namespace hpsweep
