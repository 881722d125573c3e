#include "analysis/plots.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/config_fields.h"
#include "common/error.h"
#include "common/trial.h"

namespace hpsweep {
namespace {

constexpr int kCurvesTrials = 4;

// Terminal settings shared by every plot; each script draws the same plot twice.
std::string terminals(const std::string& name) {
  return "set terminal pngcairo noenhanced size 900,600 font 'Sans,11'\nset output '" + name +
         ".png'\nPLOT\nset terminal svg noenhanced size 900,600 font 'Sans,11'\nset output '" +
         name + ".svg'\nreplot\nunset output\n";
}

// Writes NAME.dat and NAME.gp into `dir` and runs gnuplot there.
void draw(const std::filesystem::path& dir, const std::string& name, const std::string& data,
          const std::string& setup, const std::string& plot) {
  std::ofstream(dir / (name + ".dat")) << data;
  std::string script = setup + terminals(name);
  script.replace(script.find("PLOT"), 4, plot);
  std::ofstream(dir / (name + ".gp")) << script;
  const std::string command =
      "cd '" + dir.string() + "' && gnuplot '" + name + ".gp' 2>'" + name + ".log'";
  if (std::system(command.c_str()) != 0) {
    std::ifstream log(dir / (name + ".log"));
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    throw UserError((dir / (name + ".gp")).string() +
                    ": gnuplot failed (is gnuplot-nox installed?): " + text);
  }
  std::filesystem::remove(dir / (name + ".log"));
}

// Regression errors can span decades (d2l's studies plot them on a log axis).
std::string y_axis(double low, double high) {
  return low > 0 && high / low > 100 ? "set logscale y\nset format y '%g'\n" : "";
}

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

// Best trials by the metric, with their curves.
std::string curves_plot(const SweepRecord& sweep, const DiagnosisRule& rule,
                        const std::filesystem::path& dir) {
  std::vector<std::pair<double, const TrialRecord*>> ranked;
  for (const TrialRecord& t : sweep.trials) {
    const TrialSummary s = summarize_trial(t, sweep.metric, rule);
    if (s.best_metric)
      ranked.push_back({sweep.metric.minimize ? *s.best_metric : -*s.best_metric, &t});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ranked.resize(std::min<size_t>(ranked.size(), kCurvesTrials));
  std::string data, plot = "plot ";
  double low = 1e300, high = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const TrialRecord& t = *ranked[i].second;
    for (const char* curve : {"train_error", "test_error"})
      for (double v : t.curves.at(curve)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
    data += "# trial " + trial_name(t.id) + ": epoch train_error test_error\n";
    for (size_t e = 0; e < t.curves.at("epoch").size(); ++e)
      data += number(t.curves.at("epoch")[e]) + " " + number(t.curves.at("train_error")[e]) + " " +
              number(t.curves.at("test_error")[e]) + "\n";
    data += "\n\n";
    const std::string color = "lc " + std::to_string(i + 1);
    plot += (i ? ", " : "") + std::string("'curves.dat' index ") + std::to_string(i) +
            " using 1:3 with linespoints pt 7 " + color + " title 'trial " + trial_name(t.id) +
            " test', 'curves.dat' index " + std::to_string(i) + " using 1:2 with lines dt 2 " +
            color + " title 'trial " + trial_name(t.id) + " train'";
  }
  draw(dir, "curves", data,
       "set title 'Training (dashed) and test (solid) error of the best trials'\n"
       "set xlabel 'epoch'\nset ylabel 'error'\nset key outside right\nset grid\n" +
           y_axis(low, high),
       plot);
  return "curves";
}

struct ValueMeans {
  double train = 0, test = 0, gap = 0;
  int count = 0;
};

// Mean final errors of the trials at each value of one swept parameter.
std::map<double, ValueMeans> means_by_value(const SweepRecord& sweep, size_t column,
                                            const DiagnosisRule& rule) {
  std::map<double, ValueMeans> means;
  for (const TrialRecord& t : sweep.trials) {
    const TrialSummary s = summarize_trial(t, sweep.metric, rule);
    const ConfigValue* value = t.value_of(sweep.swept_parameters[column]);
    const auto x = value ? value_number(*value) : std::nullopt;
    if (s.epochs == 0 || !x) continue;
    ValueMeans& m = means[*x];
    m.train += s.final_train_error;
    m.test += s.final_test_error;
    m.gap += s.gap;
    ++m.count;
  }
  for (auto& [x, m] : means) {
    m.train /= m.count;
    m.test /= m.count;
    m.gap /= m.count;
  }
  return means;
}

std::string parameter_plot(const SweepRecord& sweep, size_t column, const DiagnosisRule& rule,
                           const std::filesystem::path& dir) {
  const std::string& path = sweep.swept_parameters[column];
  std::string name = "param-" + path;
  std::replace(name.begin(), name.end(), '.', '-');
  const std::map<double, ValueMeans> means = means_by_value(sweep, column, rule);
  if (means.empty()) return "";
  std::string data = "# " + path + " mean_final_train_error mean_final_test_error trials\n";
  double low = 1e300, high = 0;
  for (const auto& [x, m] : means) {
    data += number(x) + " " + number(m.train) + " " + number(m.test) + " " +
            std::to_string(m.count) + "\n";
    low = std::min({low, m.train, m.test});
    high = std::max({high, m.train, m.test});
  }
  const bool scale_parameter = path == "training.lr" || path == "training.weight_decay";
  const bool log_axis = scale_parameter && means.begin()->first > 0;
  std::string setup = "set title 'Final training and test error against " + path +
                      " (mean over the other parameters)'\nset xlabel '" + path +
                      "'\nset ylabel 'error'\nset key top left\nset grid\n" + y_axis(low, high);
  std::string x = "1";
  if (log_axis) {
    setup += "set logscale x\n";
  } else if (scale_parameter) {
    x = "0:xtic(1)";  // a zero among the values: evenly spaced, labelled points
    setup += "set xrange [-0.5:" + number(static_cast<double>(means.size()) - 0.5) + "]\n";
  }
  const std::string using_train = x == "1" ? "1:2" : "0:2:xtic(1)";
  const std::string using_test = x == "1" ? "1:3" : "0:3";
  draw(dir, name, data, setup,
       "plot '" + name + ".dat' using " + using_train +
           " with linespoints pt 7 title 'train error', '" + name + ".dat' using " + using_test +
           " with linespoints pt 5 title 'test error'");
  return name;
}

std::string gap_plot(const SweepRecord& sweep, size_t column, const DiagnosisRule& rule,
                     const std::filesystem::path& dir) {
  const std::map<double, ValueMeans> means = means_by_value(sweep, column, rule);
  if (means.empty() || means.begin()->first <= 0) return "";
  std::string data = "# train_subset mean_gap trials\n";
  for (const auto& [x, m] : means)
    data += number(x) + " " + number(m.gap) + " " + std::to_string(m.count) + "\n";
  draw(dir, "gap-vs-train-size", data,
       "set title 'Generalization gap (test minus train error) against training-set size'\n"
       "set xlabel 'training images (dataset.train_subset)'\nset ylabel 'mean final gap'\n"
       "set logscale x\nset grid\nset key off\n",
       "plot 'gap-vs-train-size.dat' using 1:2 with linespoints pt 7");
  return "gap-vs-train-size";
}

}  // namespace

std::vector<std::string> write_plots(const SweepRecord& sweep, const DiagnosisRule& rule,
                                     const std::string& out_dir) {
  const std::filesystem::path dir(out_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw UserError(out_dir + ": cannot create the plot folder: " + error.message());
  std::vector<std::string> names;
  if (std::any_of(sweep.trials.begin(), sweep.trials.end(),
                  [](const TrialRecord& t) { return t.epochs() > 0; }))
    names.push_back(curves_plot(sweep, rule, dir));
  for (size_t c = 0; c < sweep.swept_parameters.size(); ++c) {
    names.push_back(parameter_plot(sweep, c, rule, dir));
    if (sweep.swept_parameters[c] == "dataset.train_subset")
      names.push_back(gap_plot(sweep, c, rule, dir));
  }
  std::vector<std::string> images;
  for (const std::string& name : names)
    if (!name.empty())
      for (const char* extension : {".png", ".svg"})
        images.push_back((dir / (name + extension)).string());
  return images;
}

}  // namespace hpsweep
