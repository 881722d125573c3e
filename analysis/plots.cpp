#include "analysis/plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>

#include "analysis/analyze.h"
#include "analysis/configurations.h"
#include "analysis/gnuplot.h"
#include "analysis/statistics.h"
#include "common/config_fields.h"
#include "common/error.h"
#include "common/trial.h"

namespace hpsweep {
namespace {

constexpr size_t kBestConfigurations = 4;
constexpr size_t kPanelsPerPage = 16;
constexpr size_t kMaxLines = 6;  // values of an interaction's second parameter
constexpr size_t kMaxInteractions = 6;
constexpr size_t kMaxExplicitTics = 15;

const char* const kComplexityParameters[] = {"model.depth", "model.width", "dataset.features"};

std::string number(double x) {
  if (std::isnan(x)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

std::string file_part(std::string path) {
  std::replace(path.begin(), path.end(), '.', '-');
  return path;
}

struct Canvas {
  int width = 900, height = 600, font = 11;
};

// Writes NAME.dat and NAME.gp into `dir` and runs gnuplot there. The script draws `body` once
// per terminal (PNG, then SVG): a multiplot cannot be replotted.
void draw(const std::filesystem::path& dir, const std::string& name, const std::string& data,
          const std::string& setup, const std::string& body, Canvas canvas = {}) {
  std::ofstream(dir / (name + ".dat")) << data;
  const std::string size = " noenhanced size " + std::to_string(canvas.width) + "," +
                           std::to_string(canvas.height) + " font 'Sans," +
                           std::to_string(canvas.font) + "'\n";
  std::string script = "# gnuplot " + name + ".gp redraws " + name + ".png and " + name +
                       ".svg from " + name + ".dat\n" + setup;
  script +=
      "set terminal pngcairo" + size + "set output '" + name + ".png'\n" + body + "unset output\n";
  script += "set terminal svg" + size + "set output '" + name + ".svg'\n" + body + "unset output\n";
  std::ofstream(dir / (name + ".gp")) << script;
  run_gnuplot(dir, name + ".gp");
}

// Regression errors can span decades (d2l's studies plot them on a log axis). Errors and losses
// are not negative: a linear axis starts at 0 (clipping the wide bars of two trials).
std::string y_axis(double low, double high) {
  return low > 0 && high / low > 100 ? "set logscale y\nset format y '%g'\n" : "set yrange [0:*]\n";
}

// A step of 1, 2 or 5 times a power of ten, at least 1, giving about `ticks` ticks over
// `range`: the ticks of an integer axis.
double integer_step(double range, double ticks) {
  const double raw = range / ticks;
  const double decade = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0})
    if (m * decade >= raw) return m * decade;
  return 10 * decade;
}

// Epochs are integers: no tick at epoch 1.5.
std::string epoch_axis(const std::vector<TrialRecord>& trials) {
  int64_t epochs = 1;
  for (const TrialRecord& t : trials) epochs = std::max(epochs, t.epochs());
  return "set xlabel 'epoch'\nset xtics " +
         std::to_string(static_cast<int64_t>(integer_step(static_cast<double>(epochs), 8))) +
         "\nset format x '%.0f'\n";
}

// Everything the plots share: the sweep, its configurations and short parameter names.
struct Context {
  const SweepRecord& sweep;
  const DiagnosisRule& rule;
  std::filesystem::path dir;
  std::vector<ConfigurationResult> configurations;
  std::map<std::string, std::string> names;  // "training.lr" -> "lr"
  bool repeats = false;
};

// "lr" for training.lr, unless two swept parameters end alike: then the whole path.
std::map<std::string, std::string> short_names(const std::vector<std::string>& paths) {
  std::map<std::string, int> counts;
  const auto tail = [](const std::string& p) { return p.substr(p.rfind('.') + 1); };
  for (const std::string& p : paths) ++counts[tail(p)];
  std::map<std::string, std::string> names;
  for (const std::string& p : paths) names[p] = counts[tail(p)] > 1 ? p : tail(p);
  return names;
}

std::string name_of(const Context& c, const std::string& path) {
  const auto it = c.names.find(path);
  return it == c.names.end() ? path : it->second;
}

// "lr=0.1, dropout=0.5"
std::string values_text(const Context& c, const std::vector<SweptValue>& values) {
  std::string text;
  for (const SweptValue& v : values)
    text += (text.empty() ? "" : ", ") + name_of(c, v.path) + "=" + value_string(v.value);
  return text.empty() ? "no swept parameter" : text;
}

// A swept parameter's values along the x axis.
struct Axis {
  std::string path;
  std::vector<ConfigValue> values;  // distinct, in axis order
  bool categorical = false;         // text, booleans, or a scale parameter with a 0
  bool integer = false;
  bool log = false;

  std::optional<size_t> index_of(const ConfigValue* value) const {
    if (!value) return std::nullopt;
    const auto it = std::find(values.begin(), values.end(), *value);
    if (it == values.end()) return std::nullopt;
    return static_cast<size_t>(it - values.begin());
  }
  double position(size_t index) const {
    return categorical ? static_cast<double>(index) : *value_number(values[index]);
  }
  std::string label(size_t index) const { return value_string(values[index]); }

  // xlabel, xrange and ticks: a tick at every value when there are few (so an integer axis has
  // no tick between two integers), else integer steps for an integer parameter.
  std::string setup() const {
    std::string text = "set xlabel " + gp_string(path) + "\n";
    const double low = position(0), high = position(values.size() - 1);
    if (categorical) {
      text += "set xrange [-0.5:" + number(static_cast<double>(values.size()) - 0.5) + "]\n";
    } else if (log) {
      const double pad = std::pow(high / low, 0.05);
      text += "set logscale x\nset xrange [" + number(low / pad) + ":" + number(high * pad) + "]\n";
    } else {
      const double pad = high > low ? (high - low) * 0.05 : 0.5;
      text += "set xrange [" + number(low - pad) + ":" + number(high + pad) + "]\n";
    }
    if (categorical || values.size() <= kMaxExplicitTics) {
      text += "set xtics (";
      for (size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + gp_string(label(i)) + " " + number(position(i));
      text += ")\n";
    } else if (integer) {
      text += "set format x '%.0f'\n";
      if (!log) text += "set xtics " + number(integer_step(high - low, 10)) + "\n";
    }
    return text;
  }
};

Axis make_axis(const SweepRecord& sweep, const std::string& path) {
  Axis axis;
  axis.path = path;
  for (const TrialRecord& t : sweep.trials)
    if (const ConfigValue* v = t.value_of(path))
      if (std::find(axis.values.begin(), axis.values.end(), *v) == axis.values.end())
        axis.values.push_back(*v);
  if (axis.values.empty()) return axis;
  const bool numeric = std::all_of(axis.values.begin(), axis.values.end(), [](const auto& v) {
    return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v);
  });
  const ConfigField* field = find_config_field(path);
  axis.categorical = !numeric;
  axis.integer =
      numeric && (std::all_of(axis.values.begin(), axis.values.end(),
                              [](const auto& v) { return std::holds_alternative<int64_t>(v); }) ||
                  (field && field->kind == ValueKind::integer));
  std::stable_sort(axis.values.begin(), axis.values.end(), [&](const auto& a, const auto& b) {
    return numeric ? *value_number(a) < *value_number(b) : value_string(a) < value_string(b);
  });
  if (!numeric) return axis;
  const double low = *value_number(axis.values.front());
  const double high = *value_number(axis.values.back());
  const bool scale = path == "training.lr" || path == "training.weight_decay";
  if (scale && low <= 0) axis.categorical = true;  // a zero: evenly spaced labelled points
  axis.log = !axis.categorical && low > 0 &&
             (scale || (path == "dataset.train_subset" && high / low >= 10));
  return axis;
}

using Measure = std::function<double(const TrialSummary&)>;  // NaN: none

// The spread of `measure` over the trials with a recorded epoch at each value of `axis`,
// keeping the trials `keep` accepts.
std::vector<Spread> spread_by_value(const Context& c, const Axis& axis, const Measure& measure,
                                    const std::function<bool(const TrialRecord&)>& keep = {}) {
  std::vector<std::vector<double>> values(axis.values.size());
  for (const ConfigurationResult& config : c.configurations)
    for (size_t i = 0; i < config.trials.size(); ++i) {
      const TrialRecord& trial = *config.trials[i];
      const auto index = axis.index_of(trial.value_of(axis.path));
      if (!index || config.summaries[i].epochs == 0 || (keep && !keep(trial))) continue;
      values[*index].push_back(measure(config.summaries[i]));
    }
  std::vector<Spread> spreads;
  for (const auto& v : values) spreads.push_back(spread(v));
  return spreads;
}

double train_measure(const TrialSummary& s) {
  return s.smoothed_train_error;
}
double validation_measure(const TrialSummary& s) {
  return s.smoothed_val_error;
}
double end_test_measure(const TrialSummary& s) {
  return s.smoothed_test_error;
}
double selected_test_measure(const TrialSummary& s) {
  return s.best_metric ? s.selected_test_error : kNoValue;
}
double metric_measure(const TrialSummary& s) {
  return s.best_metric ? *s.best_metric : kNoValue;
}

bool any_several(const std::vector<Spread>& points) {
  return std::any_of(points.begin(), points.end(), [](const Spread& s) { return s.n > 1; });
}

bool any_point(const std::vector<Spread>& points) {
  return std::any_of(points.begin(), points.end(), [](const Spread& s) { return s.n > 0; });
}

// One line of a plot against a parameter.
struct Series {
  std::string column;  // data file column prefix: train_error
  std::string title;   // legend
  std::vector<Spread> points;
  std::string style;  // gnuplot line style: "pt 7 lc rgb '#1f77b4'"
  bool drawn = true;
};

// Rows: the value's position, then each series' mean, CI half-width (0 when n < 2) and n, then
// the value as text.
std::string series_data(const Axis& axis, const std::vector<Series>& series) {
  std::string data = "# " + axis.path;
  if (axis.categorical) data += " (position; the value is the last column)";
  for (const Series& s : series)
    data += " " + s.column + "_mean " + s.column + "_ci95 " + s.column + "_n";
  data +=
      " label\n# ci95: half-width of the 95% confidence interval of the mean (Student's t), "
      "0 where n < 2\n";
  for (size_t i = 0; i < axis.values.size(); ++i) {
    data += number(axis.position(i));
    for (const Series& s : series) {
      const Spread& p = s.points[i];
      for (const std::string& cell :
           {number(p.mean), number(p.n > 1 ? p.ci95 : 0), std::to_string(p.n)})
        (data += ' ') += cell;
    }
    data += " \"" + axis.label(i) + "\"\n";
  }
  return data;
}

std::string series_body(const std::string& name, const std::vector<Series>& series) {
  std::string body;
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    if (!s.drawn || !any_point(s.points)) continue;  // gnuplot fails on a line with no point
    const std::string mean = std::to_string(2 + 3 * i), ci = std::to_string(3 + 3 * i);
    body += std::string(body.empty() ? "plot " : ", ") + gp_string(name + ".dat") +
            " using 1:" + mean +
            (any_several(s.points) ? ":" + ci + " with yerrorlines" : " with linespoints") + " " +
            s.style + " title " + gp_string(s.title);
  }
  return body + "\n";
}

// The means' range (a log axis is chosen by the means; bars of two trials are wide).
std::pair<double, double> range_of(const std::vector<Series>& series) {
  double low = 1e300, high = -1e300;
  for (const Series& s : series)
    if (s.drawn)
      for (const Spread& p : s.points)
        if (p.n > 0 && !std::isnan(p.mean)) {
          low = std::min(low, p.mean);
          high = std::max(high, p.mean);
        }
  return {low, high};
}

// What a point's mean is over: "mean over the other parameters (lr, dropout) and repeats, bars:
// 95% CI"; empty when every point is one trial with nothing else varying.
std::string over_text(const Context& c, const std::vector<std::string>& shown,
                      const std::vector<std::vector<Spread>>& points) {
  std::string others;
  for (const std::string& p : c.sweep.swept_parameters)
    if (p != "training.seed" && std::find(shown.begin(), shown.end(), p) == shown.end())
      others += (others.empty() ? "" : ", ") + name_of(c, p);
  bool several = false;
  for (const auto& p : points) several = several || any_several(p);
  if (others.empty() && !several) return "";
  std::string text = "mean over ";
  if (!others.empty()) text += "the other parameters (" + others + ")";
  if (c.repeats) text += std::string(others.empty() ? "" : " and ") + "repeats/folds";
  if (others.empty() && !c.repeats) text += "the trials at each value";
  return text + (several ? ", bars: 95% CI" : "");
}

bool is_error_curve(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, "_error") == 0;
}

const char* const kTrainStyle = "pt 7 lc rgb '#1f77b4'";
const char* const kValStyle = "pt 9 lc rgb '#2ca02c'";
const char* const kTestStyle = "pt 5 lc rgb '#d62728'";

std::optional<PlotFile> parameter_plot(const Context& c, const std::string& path) {
  const Axis axis = make_axis(c.sweep, path);
  if (axis.values.size() < 2) return std::nullopt;
  const std::string name = "param-" + file_part(path);
  const std::string& metric = c.sweep.metric.name;
  std::vector<Series> series = {
      {"train_error", "training error (last " + std::to_string(c.rule.smooth) + " epochs)",
       spread_by_value(c, axis, train_measure), kTrainStyle}};
  if (is_error_curve(metric) && metric != "test_error")
    series.push_back(
        {"best_" + metric, "best " + metric, spread_by_value(c, axis, metric_measure), kValStyle});
  series.push_back({"selected_test_error", "test error at the epoch " + metric + " selected",
                    spread_by_value(c, axis, selected_test_measure), kTestStyle});
  std::vector<std::vector<Spread>> all;
  for (const Series& s : series) all.push_back(s.points);
  const std::string over = over_text(c, {path}, all);
  // With other parameters, the mean mixes good and bad settings of them: also the line of the
  // best configuration at each value, by the mean of the metric.
  const bool others =
      std::any_of(c.sweep.swept_parameters.begin(), c.sweep.swept_parameters.end(),
                  [&](const std::string& p) { return p != path && p != "training.seed"; });
  if (others) {
    std::vector<Spread> best(axis.values.size());
    for (const ConfigurationResult* config :
         ranked_configurations(c.configurations, c.sweep.metric))
      if (const auto index = axis.index_of(config->value_of(path)); index && best[*index].n == 0)
        best[*index] = config->selected_test;
    series.push_back({"best_configuration_selected_test_error",
                      "test error of the best configuration at each value (by " + metric + ")",
                      best, "pt 4 dt 2 lc rgb '#9467bd'"});
  }
  if (std::none_of(series.begin(), series.end(),
                   [](const Series& s) { return s.drawn && any_point(s.points); }))
    return std::nullopt;  // no trial has finished an epoch
  const auto [low, high] = range_of(series);
  std::vector<std::string> title = {"Error against " + path};
  if (!over.empty()) title.push_back(over);
  const std::string setup = "set title " + gp_lines(title) + "\n" + axis.setup() +
                            "set ylabel 'error'\nset key below\nset grid\n" + y_axis(low, high);
  draw(c.dir, name, series_data(axis, series), setup, series_body(name, series));
  return PlotFile{name, "Error against " + path + (over.empty() ? "" : ": " + over)};
}

std::optional<PlotFile> interaction_plot(const Context& c, const Axis& x, const Axis& lines) {
  const std::string name = "interaction-" + file_part(x.path) + "-by-" + file_part(lines.path);
  const std::string& metric = c.sweep.metric.name;
  std::vector<std::vector<Spread>> points;  // by line
  for (const ConfigValue& v : lines.values)
    points.push_back(spread_by_value(c, x, metric_measure, [&](const TrialRecord& t) {
      const ConfigValue* value = t.value_of(lines.path);
      return value && *value == v;
    }));
  const bool several = std::any_of(points.begin(), points.end(), any_several);
  std::string data = "# " + metric + " (best value) against " + x.path + ", one block per " +
                     lines.path + "\n# " + x.path + " " + metric +
                     "_mean ci95 n label (ci95: 95% CI half-width, 0 where n < 2)\n";
  std::string body;
  double low = 1e300, high = -1e300;
  int block = 0;
  for (size_t j = 0; j < lines.values.size(); ++j) {
    if (!any_point(points[j])) continue;
    const std::string title = name_of(c, lines.path) + "=" + lines.label(j);
    data += "# " + title + "\n";
    for (size_t i = 0; i < x.values.size(); ++i) {
      const Spread& p = points[j][i];
      if (p.n == 0) continue;
      const double ci = p.n > 1 ? p.ci95 : 0;
      data += number(x.position(i)) + " " + number(p.mean) + " " + number(ci) + " " +
              std::to_string(p.n) + " \"" + x.label(i) + "\"\n";
      low = std::min(low, p.mean);
      high = std::max(high, p.mean);
    }
    data += "\n\n";
    body += std::string(body.empty() ? "plot " : ", ") + gp_string(name + ".dat") + " index " +
            std::to_string(block) +
            (several ? " using 1:2:3 with yerrorlines" : " using 1:2 with linespoints") +
            " pt 7 lc " + std::to_string(block + 1) + " title " + gp_string(title);
    ++block;
  }
  if (block == 0) return std::nullopt;
  const std::string over = over_text(c, {x.path, lines.path}, points);
  std::vector<std::string> title = {"Best " + metric + " against " + x.path + ", one line per " +
                                    lines.path};
  if (!over.empty()) title.push_back(over);
  draw(c.dir, name, data,
       "set title " + gp_lines(title) + "\n" + x.setup() + "set ylabel " +
           gp_string("best " + metric) + "\nset key outside right title " + gp_string(lines.path) +
           "\nset grid\n" + y_axis(low, high),
       body + "\n");
  return PlotFile{name, title.front() + (over.empty() ? "" : ": " + over)};
}

// The pairs of swept parameters: x the one with more values, one line per value of the other
// (at most kMaxLines), at most kMaxInteractions plots, in the spec's order.
std::vector<PlotFile> interaction_plots(const Context& c) {
  std::vector<Axis> axes;
  for (const std::string& p : c.sweep.swept_parameters)
    if (p != "training.seed")
      if (Axis a = make_axis(c.sweep, p); a.values.size() >= 2) axes.push_back(std::move(a));
  std::vector<PlotFile> plots;
  for (size_t i = 0; i < axes.size(); ++i)
    for (size_t j = i + 1; j < axes.size(); ++j) {
      if (plots.size() == kMaxInteractions) return plots;
      const bool swap = axes[j].values.size() > axes[i].values.size();
      const Axis& x = swap ? axes[j] : axes[i];
      const Axis& lines = swap ? axes[i] : axes[j];
      if (lines.values.size() > kMaxLines) continue;
      if (auto plot = interaction_plot(c, x, lines)) plots.push_back(*plot);
    }
  return plots;
}

// d2l's figures of training and test error against model complexity or training-set size, at
// the end of training.
std::optional<PlotFile> generalization_plot(const Context& c, const std::string& path,
                                            const std::string& name, const std::string& what) {
  const Axis axis = make_axis(c.sweep, path);
  if (axis.values.size() < 2 || axis.categorical) return std::nullopt;
  const std::string last = "last " + std::to_string(c.rule.smooth) + " epochs";
  std::vector<Series> series = {
      {"train_error", "training error (" + last + ")", spread_by_value(c, axis, train_measure),
       kTrainStyle},
      {"val_error", "validation error (" + last + ")", spread_by_value(c, axis, validation_measure),
       kValStyle},
      {"test_error", "test error (" + last + ")", spread_by_value(c, axis, end_test_measure),
       kTestStyle},
      {gap_name(c.rule), gap_name(c.rule),
       spread_by_value(c, axis, [](const TrialSummary& s) { return s.gap; }), "", false}};
  if (std::all_of(series[1].points.begin(), series[1].points.end(),
                  [](const Spread& s) { return s.n == 0; }))
    series[1].drawn = false;
  std::vector<std::vector<Spread>> all;
  for (const Series& s : series) all.push_back(s.points);
  const std::string over = over_text(c, {path}, all);
  std::vector<std::string> title = {"Training and test error against " + what + " (" + path +
                                    "), at the end of training"};
  if (!over.empty()) title.push_back(over);
  if (std::none_of(series.begin(), series.end(),
                   [](const Series& s) { return s.drawn && any_point(s.points); }))
    return std::nullopt;  // no trial has finished an epoch
  const auto [low, high] = range_of(series);
  draw(c.dir, name, series_data(axis, series),
       "set title " + gp_lines(title) + "\n" + axis.setup() +
           "set ylabel 'error'\nset key below\nset grid\n" + y_axis(low, high),
       series_body(name, series));
  return PlotFile{name, title.front() + (over.empty() ? "" : ": " + over)};
}

// A trial's error curves: epoch, then the curves below (NaN where it has none).
const char* const kCurves[] = {"train_error", "train_eval_error", "val_error", "test_error"};
const char* const kCurveTitles[] = {"train (during the epoch)", "train (evaluation mode)",
                                    "validation", "test"};
const char* const kCurveStyles[] = {"dt 2 lc rgb '#1f77b4'", "lc rgb '#1f77b4'", "lc rgb '#2ca02c'",
                                    "lc rgb '#d62728'"};

bool has_curve(const TrialRecord& trial, const std::string& name) {
  const auto it = trial.curves.find(name);
  return it != trial.curves.end() && !it->second.empty() &&
         std::any_of(it->second.begin(), it->second.end(), [](double v) { return !std::isnan(v); });
}

double curve_at(const TrialRecord& trial, const std::string& name, size_t epoch) {
  const auto it = trial.curves.find(name);
  return it != trial.curves.end() && epoch < it->second.size() ? it->second[epoch] : kNoValue;
}

// Small multiples: one panel per trial with a recorded epoch, kPanelsPerPage per image.
std::vector<PlotFile> small_multiples(const Context& c) {
  std::vector<std::pair<const TrialRecord*, const ConfigurationResult*>> trials;
  for (const TrialRecord& t : c.sweep.trials)
    if (t.epochs() > 0)
      for (const ConfigurationResult& config : c.configurations)
        if (std::find(config.trials.begin(), config.trials.end(), &t) != config.trials.end())
          trials.push_back({&t, &config});
  const size_t pages = (trials.size() + kPanelsPerPage - 1) / kPanelsPerPage;
  const size_t without = c.sweep.trials.size() - trials.size();
  std::vector<PlotFile> plots;
  for (size_t page = 0; page < pages; ++page) {
    const std::string name = "curves-all-" + std::to_string(page + 1);
    const size_t first = page * kPanelsPerPage;
    const size_t count = std::min(kPanelsPerPage, trials.size() - first);
    const size_t columns =
        std::max<size_t>(1, static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(count)))));
    const size_t rows = (count + columns - 1) / columns;
    std::string data = "# one block per trial: epoch";
    for (const char* curve : kCurves) data += std::string(" ") + curve;
    data += " (NaN: the trial has no such curve)\n";
    std::string panels;
    double low = 1e300, high = -1e300;
    for (size_t k = 0; k < count; ++k) {
      const auto [trial, config] = trials[first + k];
      std::string title = values_text(c, trial->swept);
      if (config->trials.size() > 1) {
        if (trial->fold >= 0) title += ", fold " + std::to_string(trial->fold);
        if (!trial->value_of("training.seed")) title += ", repeat " + std::to_string(trial->repeat);
      }
      title += " [" + trial_name(trial->id) + "]";
      data += "# trial " + trial_name(trial->id) + ": " + title + "\n";
      for (size_t e = 0; e < static_cast<size_t>(trial->epochs()); ++e) {
        data += number(curve_at(*trial, "epoch", e));
        for (const char* curve : kCurves) {
          const double v = curve_at(*trial, curve, e);
          (data += ' ') += number(v);
          if (!std::isnan(v)) {
            low = std::min(low, v);
            high = std::max(high, v);
          }
        }
        data += "\n";
      }
      data += "\n\n";
      panels += "set title " + gp_string(title) + "\n" +
                (k == 0 ? "set key top right font ',8'\n" : "unset key\n") + "plot ";
      bool any = false;
      for (size_t i = 0; i < std::size(kCurves); ++i) {
        if (!has_curve(*trial, kCurves[i])) continue;
        panels += std::string(any ? ", " : "") + gp_string(name + ".dat") + " index " +
                  std::to_string(k) + " using 1:" + std::to_string(i + 2) + " with lines lw 1.5 " +
                  kCurveStyles[i] + " title " + gp_string(kCurveTitles[i]);
        any = true;
      }
      if (!any) panels += "NaN notitle";
      panels += "\n";
    }
    std::string heading = "Error against epoch of every trial (" + std::to_string(first + 1) + "-" +
                          std::to_string(first + count) + " of " + std::to_string(trials.size()) +
                          ")";
    if (without > 0)
      heading += "; " + std::to_string(without) + " trials without a recorded epoch not shown";
    const bool log = low > 0 && high / low > 100;
    const std::string range = log ? "[" + number(low * 0.9) + ":" + number(high * 1.1) + "]"
                                  : "[0:" + number(high > 0 ? high * 1.05 : 1) + "]";
    const std::string setup = epoch_axis(c.sweep.trials) + "set grid\nset yrange " + range + "\n" +
                              (log ? "set logscale y\nset format y '%g'\n" : "");
    const std::string body = "set multiplot layout " + std::to_string(rows) + "," +
                             std::to_string(columns) + " title " + gp_string(heading) + "\n" +
                             panels + "unset multiplot\n";
    draw(c.dir, name, data, setup, body,
         {static_cast<int>(columns * 340), static_cast<int>(rows * 260 + 40), 9});
    plots.push_back({name, heading});
  }
  return plots;
}

// The best configurations' curves, each the mean over its trials at each epoch.
std::optional<PlotFile> best_curves(const Context& c) {
  auto ranked = ranked_configurations(c.configurations, c.sweep.metric);
  if (ranked.empty()) return std::nullopt;
  ranked.resize(std::min(ranked.size(), kBestConfigurations));
  std::string data =
      "# one block per configuration, best first: epoch train_error val_error "
      "test_error trials (means over its trials; train_error is "
      "train_eval_error when recorded)\n";
  std::string body;
  double low = 1e300, high = -1e300;
  bool validation = false;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const ConfigurationResult& config = *ranked[i];
    size_t epochs = 0;
    for (const TrialRecord* t : config.trials)
      epochs = std::max(epochs, static_cast<size_t>(t->epochs()));
    std::string title = values_text(c, config.values);
    if (config.trials.size() > 1)
      title += " (mean of " + std::to_string(config.trials.size()) + ")";
    data += "# " + title + "\n";
    bool has_val = false;
    for (size_t e = 0; e < epochs; ++e) {
      std::vector<double> epoch, train, val, test;
      for (size_t k = 0; k < config.trials.size(); ++k) {
        const TrialRecord& t = *config.trials[k];
        if (e >= static_cast<size_t>(t.epochs())) continue;
        epoch.push_back(curve_at(t, "epoch", e));
        train.push_back(
            curve_at(t, config.summaries[k].clean_train ? "train_eval_error" : "train_error", e));
        val.push_back(curve_at(t, "val_error", e));
        test.push_back(curve_at(t, "test_error", e));
      }
      const double values[] = {spread(train).mean, spread(val).mean, spread(test).mean};
      has_val = has_val || !std::isnan(values[1]);
      data += number(spread(epoch).mean);
      for (double v : values) {
        (data += ' ') += number(v);
        if (!std::isnan(v)) {
          low = std::min(low, v);
          high = std::max(high, v);
        }
      }
      data += " " + std::to_string(epoch.size()) + "\n";
    }
    data += "\n\n";
    validation = validation || has_val;
    const std::string source = gp_string("curves.dat") + " index " + std::to_string(i);
    const std::string color = " lc " + std::to_string(i + 1);
    body += std::string(body.empty() ? "plot " : ", ") + source +
            " using 1:4 with linespoints pt 7 ps 0.6" + color + " title " + gp_string(title) +
            ", " + source + " using 1:2 with lines dt 2" + color + " notitle";
    if (has_val) body += ", " + source + " using 1:3 with lines dt 3" + color + " notitle";
  }
  const std::vector<std::string> title = {
      "Error against epoch of the best configurations by " + c.sweep.metric.name,
      std::string("test (solid), training (dashed)") + (validation ? ", validation (dotted)" : "") +
          (c.repeats ? "; means over repeats/folds" : "")};
  draw(c.dir, "curves", data,
       "set title " + gp_lines(title) + "\n" + epoch_axis(c.sweep.trials) +
           "set ylabel 'error'\n"
           "set key below\nset grid\n" +
           y_axis(low, high),
       body + "\n");
  return PlotFile{"curves", title.front()};
}

}  // namespace

std::vector<PlotFile> draw_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                 const std::string& out_dir) {
  const std::filesystem::path dir(out_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw UserError(out_dir + ": cannot create the plot folder: " + error.message());
  Context c{sweep,
            rule,
            dir,
            configuration_results(sweep, rule),
            short_names(sweep.swept_parameters),
            has_repeats(sweep)};
  std::vector<PlotFile> plots;
  const auto add = [&](std::optional<PlotFile> plot) {
    if (plot) plots.push_back(std::move(*plot));
  };
  add(best_curves(c));
  for (PlotFile& p : small_multiples(c)) plots.push_back(std::move(p));
  for (const std::string& path : sweep.swept_parameters)
    if (path != "training.seed") add(parameter_plot(c, path));
  for (PlotFile& p : interaction_plots(c)) plots.push_back(std::move(p));
  for (const char* path : kComplexityParameters)
    if (std::find(sweep.swept_parameters.begin(), sweep.swept_parameters.end(), path) !=
        sweep.swept_parameters.end())
      add(generalization_plot(c, path, "complexity-" + file_part(path), "model complexity"));
  if (std::find(sweep.swept_parameters.begin(), sweep.swept_parameters.end(),
                "dataset.train_subset") != sweep.swept_parameters.end())
    add(generalization_plot(c, "dataset.train_subset", "train-size", "training-set size"));
  return plots;
}

std::vector<std::string> write_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                     const std::string& out_dir) {
  std::vector<std::string> images;
  for (const PlotFile& plot : draw_plots(sweep, rule, out_dir))
    for (const char* extension : {".png", ".svg"})
      images.push_back((std::filesystem::path(out_dir) / (plot.name + extension)).string());
  return images;
}

}  // namespace hpsweep
