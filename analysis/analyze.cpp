#include "analysis/analyze.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "analysis/scheduler_tables.h"
#include "common/error.h"
#include "common/trial.h"

namespace hpsweep {
namespace {

std::string signed_error_text(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.4f", value);
  return buffer;
}

template <typename Values>
void append_values(const SweepRecord& sweep, const Values& holder, std::vector<std::string>& row) {
  for (const std::string& path : sweep.swept_parameters) {
    if (path == "training.seed" && !std::is_same_v<Values, TrialRecord>) continue;
    const ConfigValue* value = holder.value_of(path);
    row.push_back(value ? value_string(*value) : "");
  }
}

void append_parameter_headers(const SweepRecord& sweep, bool with_seed, Table& table) {
  for (const std::string& p : sweep.swept_parameters)
    if (with_seed || p != "training.seed") table.header.push_back(p);
}

// Each trial's summary and configuration index, by trial order, from one pass over the
// configurations (which summarized every trial already).
struct TrialRow {
  const TrialSummary* summary = nullptr;
  int64_t configuration = 0;
};

std::map<const TrialRecord*, TrialRow> rows_by_trial(
    const std::vector<ConfigurationResult>& configurations) {
  std::map<const TrialRecord*, TrialRow> rows;
  for (const ConfigurationResult& c : configurations)
    for (size_t i = 0; i < c.trials.size(); ++i) rows[c.trials[i]] = {&c.summaries[i], c.index};
  return rows;
}

std::string count_text(int64_t n) {
  return std::to_string(n);
}

}  // namespace

std::string error_text(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

std::string gap_name(const DiagnosisRule& rule) {
  return rule.language_model ? "perplexity_ratio" : "gap";
}

namespace {

// "6.5550", or "2.88e+30" for a model that blew up.
std::string perplexity_text(double value) {
  if (!(value >= 1e5)) return error_text(value);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

// A value of the sweep's metric: a language model's may be a blown-up perplexity.
std::string metric_text(double value, const DiagnosisRule& rule) {
  return rule.language_model ? perplexity_text(value) : error_text(value);
}

// "+0.0100" for a difference; "1.3300" for a ratio.
std::string gap_text(double value, const DiagnosisRule& rule) {
  return rule.language_model ? perplexity_text(value) : signed_error_text(value);
}

}  // namespace

Table trial_table(const SweepRecord& sweep, const DiagnosisRule& rule) {
  const std::vector<ConfigurationResult> configurations = configuration_results(sweep, rule);
  const std::map<const TrialRecord*, TrialRow> rows = rows_by_trial(configurations);
  bool validation = false, all_clean = true, any = false;
  for (const auto& [trial, r] : rows) {
    if (r.summary->epochs == 0) continue;
    any = true;
    validation |= r.summary->validation;
    all_clean &= r.summary->clean_train;
  }
  const bool repeats = has_repeats(sweep);
  Table table;
  table.header = {"trial", "status"};
  if (repeats) table.header.insert(table.header.end(), {"configuration", "repeat", "fold"});
  append_parameter_headers(sweep, true, table);
  table.header.push_back("epochs");
  table.header.push_back(any && all_clean ? "train_eval_error" : "train_error");
  if (validation) table.header.push_back("val_error");
  // Language models: the final perplexities, whose ratio is the sequence analogue of the gap.
  const bool perplexity = rule.language_model;
  table.header.push_back("test_error");
  if (perplexity) table.header.insert(table.header.end(), {"train_perplexity", "test_perplexity"});
  for (const std::string& column : {gap_name(rule), std::string("selected_epoch"),
                                    std::string("selected_test_error"), std::string("diagnosis")})
    table.header.push_back(column);
  for (const TrialRecord& trial : sweep.trials) {
    const TrialRow& r = rows.at(&trial);
    const TrialSummary& s = *r.summary;
    std::vector<std::string> row = {trial_name(trial.id), status_name(trial.status)};
    if (repeats)
      row.insert(row.end(), {configuration_name(r.configuration), count_text(trial.repeat),
                             trial.fold >= 0 ? count_text(trial.fold) : ""});
    append_values(sweep, trial, row);
    row.push_back(count_text(s.epochs));
    const bool none = s.epochs == 0;
    row.push_back(none ? "" : error_text(s.final_train_error));
    if (validation) row.push_back(none ? "" : error_text(s.final_val_error));
    row.push_back(none ? "" : error_text(s.final_test_error));
    if (perplexity)
      for (const char* curve : {"train_perplexity", "test_perplexity"})
        row.push_back(none || !trial.curves.count(curve)
                          ? ""
                          : perplexity_text(trial.curves.at(curve).back()));
    row.push_back(none ? "" : gap_text(s.gap, rule));
    row.push_back(s.best_metric ? count_text(s.selected_epoch) : "");
    row.push_back(s.best_metric ? error_text(s.selected_test_error) : "");
    row.push_back(s.diagnosis);
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table ranking_table(const SweepRecord& sweep, const DiagnosisRule& rule) {
  const bool repeats = has_repeats(sweep);
  const std::string& metric = sweep.metric.name;
  const std::string gap = gap_name(rule);
  Table table;
  table.header = {"rank", repeats ? "configuration" : "trial"};
  append_parameter_headers(sweep, false, table);
  if (repeats) {
    table.header.insert(
        table.header.end(),
        {"n", "best_" + metric + "_mean", "best_" + metric + "_sd", "best_" + metric + "_ci95",
         "selected_test_error_mean", "selected_test_error_ci95", gap + "_mean", gap + "_ci95"});
  } else {
    table.header.insert(table.header.end(),
                        {"best_" + metric, "selected_epoch", "selected_test_error", gap});
  }
  table.header.push_back("diagnosis");
  if (!repeats) table.header.push_back("overfit_onset");
  const std::vector<ConfigurationResult> configurations = configuration_results(sweep, rule);
  int rank = 0;
  for (const ConfigurationResult* c : ranked_configurations(configurations, sweep.metric)) {
    std::vector<std::string> row = {
        std::to_string(++rank),
        repeats ? configuration_name(c->index) : trial_name(c->trials.front()->id)};
    append_values(sweep, *c, row);
    if (repeats) {
      row.insert(row.end(), {count_text(c->metric.n), metric_text(c->metric.mean, rule),
                             metric_text(c->metric.sd, rule), metric_text(c->metric.ci95, rule),
                             error_text(c->selected_test.mean), error_text(c->selected_test.ci95),
                             gap_text(c->gap.mean, rule), error_text(c->gap.ci95)});
      row.push_back(c->diagnosis);
    } else {
      const TrialSummary& s = c->summaries.front();
      row.insert(row.end(), {metric_text(*s.best_metric, rule), count_text(s.selected_epoch),
                             error_text(s.selected_test_error), gap_text(s.gap, rule), s.diagnosis,
                             s.overfit_onset ? count_text(*s.overfit_onset) : ""});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table parameter_table(const SweepRecord& sweep, const std::string& path,
                      const DiagnosisRule& rule) {
  struct Effect {
    std::optional<ConfigValue> value;  // none: the trials without the parameter
    int configurations = 0, trials = 0, underfit = 0, overfit = 0, unstable = 0;
    std::vector<double> selected_test, gaps;
    std::optional<double> best_metric;  // the best configuration's mean
  };
  std::vector<Effect> effects;
  const auto effect_of = [&](const ConfigValue* found) -> Effect& {
    const std::optional<ConfigValue> value = found ? std::optional(*found) : std::nullopt;
    auto it = std::find_if(effects.begin(), effects.end(),
                           [&](const Effect& e) { return e.value == value; });
    if (it == effects.end()) {
      it = effects.insert(effects.end(), Effect());
      it->value = value;
    }
    return *it;
  };
  const bool per_configuration = path != "training.seed";
  for (const ConfigurationResult& c : configuration_results(sweep, rule)) {
    for (size_t i = 0; i < c.trials.size(); ++i) {
      Effect& e = effect_of(c.trials[i]->value_of(path));
      ++e.trials;
      const TrialSummary& s = c.summaries[i];
      if (s.epochs == 0) continue;
      if (s.best_metric) e.selected_test.push_back(s.selected_test_error);
      e.gaps.push_back(s.gap);
      e.underfit += s.diagnosis == "underfitting";
      e.overfit += s.diagnosis == "overfitting";
      e.unstable += s.diagnosis == "unstable";
    }
    if (!per_configuration) continue;
    Effect& e = effect_of(c.value_of(path));
    ++e.configurations;
    if (c.metric.n == 0) continue;
    const bool better = !e.best_metric || (sweep.metric.minimize ? c.metric.mean < *e.best_metric
                                                                 : c.metric.mean > *e.best_metric);
    if (better) e.best_metric = c.metric.mean;
  }
  std::stable_sort(effects.begin(), effects.end(), [](const Effect& a, const Effect& b) {
    if (!a.value || !b.value) return a.value.has_value() > b.value.has_value();  // absent last
    const auto x = value_number(*a.value), y = value_number(*b.value);
    return x && y ? *x < *y : value_string(*a.value) < value_string(*b.value);
  });
  Table table;
  table.header = {path,
                  "configurations",
                  "trials",
                  "selected_test_error_mean",
                  "selected_test_error_ci95",
                  "best_" + sweep.metric.name,
                  gap_name(rule) + "_mean",
                  "underfitting",
                  "overfitting",
                  "unstable"};
  for (const Effect& e : effects) {
    const Spread test = spread(e.selected_test);
    table.rows.push_back({e.value ? value_string(*e.value) : "absent",
                          per_configuration ? count_text(e.configurations) : "",
                          count_text(e.trials), error_text(test.mean), error_text(test.ci95),
                          e.best_metric ? metric_text(*e.best_metric, rule) : "",
                          gap_text(spread(e.gaps).mean, rule), count_text(e.underfit),
                          count_text(e.overfit), count_text(e.unstable)});
  }
  return table;
}

std::vector<NamedTable> analysis_tables(const SweepRecord& sweep, const DiagnosisRule& rule) {
  std::vector<NamedTable> tables = {{"trials", trial_table(sweep, rule)},
                                    {"ranking", ranking_table(sweep, rule)}};
  for (const std::string& path : sweep.swept_parameters)
    tables.push_back({path, parameter_table(sweep, path, rule)});
  if (!sweep.decisions.empty()) tables.push_back({"decisions", decision_counts(sweep)});
  const std::vector<ConfigurationResult> configurations = configuration_results(sweep, rule);
  const auto ranked = ranked_configurations(configurations, sweep.metric);
  if (!ranked.empty() && !ranked.front()->trials.front()->schedule.empty())
    tables.push_back({"lineage", lineage_table(sweep, best_trial_id(sweep, rule))});
  return tables;
}

std::string table_title(const std::string& name, const SweepRecord& sweep,
                        const DiagnosisRule& rule) {
  if (name == "trials") return "Trials";
  if (name == "ranking")
    return has_repeats(sweep) ? "Configurations ranked by the mean best " + sweep.metric.name +
                                    " over their repeats and folds (95% CI: Student's t)"
                              : "Ranking by " + sweep.metric.name;
  if (name == "decisions") return "Scheduler decisions";
  if (name == "lineage")
    return "Lineage of the best trial, " + trial_name(best_trial_id(sweep, rule)) +
           ": the trials that trained the weights of its last epoch";
  return "Effect of " + name;
}

int64_t best_trial_id(const SweepRecord& sweep, const DiagnosisRule& rule) {
  std::optional<std::pair<double, int64_t>> best;
  for (const TrialRecord& t : sweep.trials) {
    const TrialSummary s = summarize_trial(t, sweep.metric, rule);
    if (!s.best_metric) continue;
    const double key = sweep.metric.minimize ? *s.best_metric : -*s.best_metric;
    if (!best || key < best->first) best = {key, t.id};
  }
  return best ? best->second : -1;
}

void print_analysis(const SweepRecord& sweep, const DiagnosisRule& rule, TableFormat format,
                    const std::string& table_name, std::ostream& out,
                    const std::optional<TextSample>& sample) {
  std::vector<NamedTable> tables = analysis_tables(sweep, rule);
  if (!table_name.empty()) {
    std::string known;
    const auto chosen = std::find_if(tables.begin(), tables.end(),
                                     [&](const NamedTable& t) { return t.name == table_name; });
    for (const NamedTable& t : tables) known += (known.empty() ? "" : ", ") + t.name;
    if (chosen == tables.end())
      throw UserError("--table: no table '" + table_name + "' in this sweep (tables: " + known +
                      ")");
    tables = {*chosen};
  }
  if (format == TableFormat::json) {
    print_json(tables, out);
    return;
  }
  if (format == TableFormat::csv) {
    print_csv(tables.front().table, out);
    return;
  }
  if (!table_name.empty()) {
    out << table_title(table_name, sweep, rule) << ":\n";
    print_aligned(tables.front().table, out);
    return;
  }
  out << "sweep '" << sweep.name << "': " << sweep.trials.size() << " trials, metric "
      << sweep.metric.name << " (" << (sweep.metric.minimize ? "minimize" : "maximize") << ")\n";
  if (const std::string warning = sweep.metric.selection_warning(); !warning.empty())
    out << warning << "\n";
  out << "\n";
  print_aligned(tables[0].table, out);
  const std::vector<ConfigurationResult> configurations = configuration_results(sweep, rule);
  const auto ranked = ranked_configurations(configurations, sweep.metric);
  out << "\n";
  if (ranked.empty()) {
    out << "no trial has finished an epoch yet\n";
    return;
  }
  const ConfigurationResult& best = *ranked.front();
  const bool repeats = has_repeats(sweep);
  if (repeats) {
    out << "best configuration: " << configuration_name(best.index) << " (" << sweep.metric.name
        << " " << error_text(best.metric.mean);
    if (best.metric.n > 1) out << " ± " << error_text(best.metric.ci95);
    out << ", n=" << best.metric.n << "; test error at the selected epochs "
        << error_text(best.selected_test.mean);
    if (best.selected_test.n > 1) out << " ± " << error_text(best.selected_test.ci95);
    out << ")";
  } else {
    const TrialSummary& s = best.summaries.front();
    out << "best trial: " << trial_name(best.trials.front()->id) << " (" << sweep.metric.name << " "
        << error_text(*s.best_metric) << " at epoch " << s.selected_epoch << "; test error there "
        << error_text(s.selected_test_error) << ")";
  }
  for (const SweptValue& v : best.values) out << "  " << v.path << "=" << value_string(v.value);
  out << "\n";
  if (sample) {
    out << "text sample: " << sample->caption;
    if (!sample->text.empty()) out << ":\n  " << sample->text;
    out << "\n";
  }
  for (size_t t = 1; t < tables.size(); ++t) {
    std::string title = table_title(tables[t].name, sweep, rule);
    title[0] = static_cast<char>(std::tolower(title[0]));
    out << "\n" << title << ":\n";
    print_aligned(tables[t].table, out);
  }
  const char* measure = rule.language_model ? "perplexity" : "error";
  out << "\ndiagnosis " << rule.description() << ". " << gap_name(rule) << ": test "
      << (rule.language_model ? "over training perplexity" : "minus training error")
      << ", medians of the last " << rule.smooth << " epochs. selected_epoch: where "
      << sweep.metric.name
      << " is best (the checkpoint's /best). overfit_onset: the epoch of the lowest test "
      << measure << ", when the training " << measure << " still fell after it\n";
}

}  // namespace hpsweep
