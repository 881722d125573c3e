// Plots drawn by gnuplot from sweeps with hand-made curves: every expected image exists, is a
// real PNG or SVG, its gnuplot script and data stay beside it, and the scripts and data say
// what a reader of a paper needs: integer ticks for integer parameters, legends with values,
// error bars over repeats, every trial in the small multiples, one line per value in an
// interaction plot.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/plots.h"
#include "common/metrics.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

// Four epochs; training error falls to `train`, test error to `test`, as 1/epoch. Every curve
// of sweep.h5 is there, NaN where the trial has none (as read_sweep_file gives them).
TrialRecord trial(int64_t id, std::vector<SweptValue> swept, double train, double test,
                  bool validation = false) {
  TrialRecord t;
  t.id = id;
  t.status = TrialStatus::completed;
  t.swept = std::move(swept);
  for (const std::string& name : curve_names()) t.curves[name] = {};
  for (int e = 1; e <= 4; ++e) {
    const double f = 4.0 / e;
    t.curves["epoch"].push_back(e);
    t.curves["train_error"].push_back(train * f * 1.1);
    t.curves["test_error"].push_back(test * f);
    t.curves["train_loss"].push_back(2 * train * f);
    t.curves["test_loss"].push_back(2 * test * f);
    t.curves["val_error"].push_back(validation ? test * f * 1.05 : kNoValue);
    t.curves["val_loss"].push_back(validation ? 2 * test * f : kNoValue);
    t.curves["train_eval_error"].push_back(validation ? train * f : kNoValue);
    t.curves["train_eval_loss"].push_back(validation ? 2 * train * f : kNoValue);
    t.curves["wall_seconds"].push_back(1);
    t.curves["samples_per_second"].push_back(1000);
  }
  return t;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  return lines;
}

// model.depth 1..3 x training.lr 0.01, 0.1, two repeats each: 12 trials, 6 configurations. The
// test error is lowest at depth 2 (a U), and lr 0.1 is better.
SweepRecord depth_by_lr(bool validation = false) {
  SweepRecord sweep;
  sweep.name = "depth";
  sweep.spec_text =
      "name: depth\nmethod: grid\nrepeats: 2\nparameters:\n  model.depth: {values: [1, 2, 3]}\n"
      "  training.lr: {values: [0.01, 0.1]}\n";
  sweep.swept_parameters = {"model.depth", "training.lr"};
  if (validation) sweep.metric.name = "val_error";
  int64_t id = 0;
  for (int64_t depth = 1; depth <= 3; ++depth)
    for (double lr : {0.01, 0.1})
      for (int repeat = 0; repeat < 2; ++repeat) {
        const double train = 0.34 - 0.08 * static_cast<double>(depth) - lr / 2 + 0.01 * repeat;
        const double test = 0.25 + 0.04 * std::abs(static_cast<double>(depth) - 2) - lr +
                            0.01 * repeat + 0.002 * static_cast<double>(id % 3);
        TrialRecord t =
            trial(id++, {{"model.depth", depth}, {"training.lr", lr}}, train, test, validation);
        t.repeat = repeat;
        sweep.trials.push_back(std::move(t));
      }
  return sweep;
}

void expect_plot_files(const std::filesystem::path& dir, const std::string& name) {
  const std::string png = read(dir / (name + ".png"));
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n") << name;
  EXPECT_GT(png.size(), 5000u) << name;
  EXPECT_NE(read(dir / (name + ".svg")).find("<svg"), std::string::npos) << name;
  EXPECT_TRUE(std::filesystem::exists(dir / (name + ".gp"))) << name;
  EXPECT_TRUE(std::filesystem::exists(dir / (name + ".dat"))) << name;
}

TEST(Plots, DrawsEveryPlotWithItsDataAndScript) {
  const SweepRecord sweep = depth_by_lr();
  TempDir dir;
  const std::vector<PlotFile> plots =
      draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  std::vector<std::string> names;
  for (const PlotFile& p : plots) {
    names.push_back(p.name);
    EXPECT_FALSE(p.title.empty()) << p.name;
    expect_plot_files(dir.path(), p.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "curves", "curves-all-1", "param-model-depth", "param-training-lr",
                       "interaction-model-depth-by-training-lr", "complexity-model-depth"}));
  const std::vector<std::string> images =
      write_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  EXPECT_EQ(images.size(), 2 * names.size());
}

TEST(Plots, IntegerParametersGetIntegerTicksAndRatesALogAxis) {
  const SweepRecord sweep = depth_by_lr();
  TempDir dir;
  draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  for (const char* name : {"param-model-depth", "complexity-model-depth"}) {
    const std::string script = read(dir / (std::string(name) + ".gp"));
    EXPECT_EQ(lines_starting(script, "set xtics"),
              std::vector<std::string>{"set xtics ('1' 1, '2' 2, '3' 3)"})
        << script;
    EXPECT_EQ(script.find("set logscale x"), std::string::npos) << name;
  }
  const std::string lr = read(dir / "param-training-lr.gp");
  EXPECT_NE(lr.find("set logscale x"), std::string::npos);
  EXPECT_EQ(lines_starting(lr, "set xtics"),
            std::vector<std::string>{"set xtics ('0.01' 0.01, '0.1' 0.1)"});
  // The interaction plot's x axis is depth, with the same integer ticks.
  EXPECT_NE(read(dir / "interaction-model-depth-by-training-lr.gp")
                .find("set xtics ('1' 1, '2' 2, '3' 3)"),
            std::string::npos);
}

TEST(Plots, ParameterPlotsShowTheMeanWithConfidenceIntervalsAndSaySo) {
  const SweepRecord sweep = depth_by_lr();
  TempDir dir;
  draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  const std::string script = read(dir / "param-model-depth.gp");
  EXPECT_NE(script.find("with yerrorlines"), std::string::npos) << script;
  EXPECT_NE(script.find("mean over the other parameters (lr) and repeats/folds, bars: 95% CI"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("best configuration at each value"), std::string::npos) << script;
  // Rows: depth, then mean, ci95 and n of the training error, the selected test error, and the
  // best configuration's; every depth has 4 trials (2 lr x 2 repeats), 2 in its best one.
  const std::string data = read(dir / "param-model-depth.dat");
  const std::vector<std::string> rows = lines_starting(data, "2 ");
  ASSERT_EQ(rows.size(), 1u) << data;
  std::istringstream row(rows[0]);
  double x, mean[3], ci[3];
  int n[3];
  row >> x;
  for (int i = 0; i < 3; ++i) row >> mean[i] >> ci[i] >> n[i];
  EXPECT_EQ(n[0], 4);
  EXPECT_EQ(n[1], 4);
  EXPECT_EQ(n[2], 2);
  for (double c : ci) EXPECT_GT(c, 0);
  // depth 2, trials 4-7: test errors at the last (best) epoch 0.25 - lr + 0.01 repeat + 0.002
  // (id % 3).
  EXPECT_NEAR(mean[1], 0.25 - 0.055 + 0.005 + 0.002 * (1 + 2 + 0 + 1) / 4.0, 1e-6);
}

TEST(Plots, WithoutRepeatsOrOtherParametersNoBarsAndNoSubtitle) {
  SweepRecord sweep;
  sweep.name = "one";
  sweep.spec_text = "name: one\nmethod: grid\nparameters:\n  model.depth: {values: [1, 2]}\n";
  sweep.swept_parameters = {"model.depth"};
  sweep.trials = {trial(0, {{"model.depth", int64_t{1}}}, 0.2, 0.3),
                  trial(1, {{"model.depth", int64_t{2}}}, 0.1, 0.2)};
  TempDir dir;
  draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  const std::string script = read(dir / "param-model-depth.gp");
  EXPECT_EQ(script.find("yerrorlines"), std::string::npos) << script;
  EXPECT_EQ(script.find("mean over"), std::string::npos) << script;
  EXPECT_EQ(script.find("best configuration"), std::string::npos) << script;
  EXPECT_NE(script.find("set xtics ('1' 1, '2' 2)"), std::string::npos) << script;
}

TEST(Plots, LegendsShowHyperparameterValues) {
  const SweepRecord sweep = depth_by_lr();
  TempDir dir;
  draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  const std::string curves = read(dir / "curves.gp");
  // The best configuration: depth 2, lr 0.1, two repeats.
  EXPECT_NE(curves.find("title 'depth=2, lr=0.1 (mean of 2)'"), std::string::npos) << curves;
  EXPECT_EQ(curves.find("trial 0"), std::string::npos) << curves;
  EXPECT_EQ(count(lines_starting(curves, "plot ").front(), "(mean of 2)'"), 4u);
  const std::string interaction = read(dir / "interaction-model-depth-by-training-lr.gp");
  const std::vector<std::string> plot = lines_starting(interaction, "plot ");
  ASSERT_EQ(plot.size(), 2u);  // PNG and SVG
  // One line per value of lr, titled by it, with error bars over the repeats.
  EXPECT_EQ(count(plot[0], " index "), 2u) << plot[0];
  EXPECT_NE(plot[0].find("index 0 using 1:2:3 with yerrorlines pt 7 lc 1 title 'lr=0.01'"),
            std::string::npos)
      << plot[0];
  EXPECT_NE(plot[0].find("index 1 using 1:2:3 with yerrorlines pt 7 lc 2 title 'lr=0.1'"),
            std::string::npos)
      << plot[0];
  const std::string data = read(dir / "interaction-model-depth-by-training-lr.dat");
  EXPECT_NE(data.find("# lr=0.01\n1 "), std::string::npos) << data;
  EXPECT_NE(data.find("# lr=0.1\n1 "), std::string::npos) << data;
  // Each line: three depths, two trials each.
  EXPECT_EQ(count(data, " 2 \""), 6u) << data;
}

TEST(Plots, SmallMultiplesShowEveryTrialSixteenPerImage) {
  SweepRecord sweep;
  sweep.name = "many";
  sweep.spec_text =
      "name: many\nmethod: grid\nparameters:\n  model.width: {values: [8, 16, 32, 64, 128]}\n"
      "  model.dropout: {values: [0, 0.1, 0.2, 0.5]}\n";
  sweep.swept_parameters = {"model.width", "model.dropout"};
  int64_t id = 0;
  for (int64_t width : {8, 16, 32, 64, 128})
    for (double dropout : {0.0, 0.1, 0.2, 0.5}) {
      sweep.trials.push_back(trial(id, {{"model.width", width}, {"model.dropout", dropout}},
                                   0.1 + dropout / 10, 0.2 + dropout / 20, id % 2 == 0));
      ++id;
    }
  sweep.trials.push_back(TrialRecord{});  // pending: no curve to draw
  sweep.trials.back().id = id;
  sweep.trials.back().swept = {{"model.width", int64_t{8}}, {"model.dropout", 0.0}};
  TempDir dir;
  const std::vector<PlotFile> plots =
      draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  std::vector<std::string> pages;
  for (const PlotFile& p : plots)
    if (p.name.rfind("curves-all-", 0) == 0) pages.push_back(p.name);
  ASSERT_EQ(pages, (std::vector<std::string>{"curves-all-1", "curves-all-2"}));
  std::string all;
  for (const std::string& page : pages) {
    expect_plot_files(dir.path(), page);
    all += read(dir / (page + ".dat"));
  }
  for (int64_t t = 0; t < 20; ++t) {
    char marker[32];
    std::snprintf(marker, sizeof marker, "# trial %04lld: ", static_cast<long long>(t));
    EXPECT_EQ(count(all, marker), 1u) << marker;
  }
  EXPECT_EQ(count(all, "# trial 0020"), 0u);
  const std::string first = read(dir / "curves-all-1.gp");
  EXPECT_NE(first.find("set multiplot layout 4,4"), std::string::npos) << first;
  EXPECT_NE(first.find("set xlabel 'epoch'\nset xtics 1\n"), std::string::npos) << "whole epochs";
  EXPECT_NE(read(dir / "curves-all-2.gp").find("set multiplot layout 2,2"), std::string::npos);
  EXPECT_NE(first.find("1 trials without a recorded epoch not shown"), std::string::npos);
  // 16 panels, drawn once per terminal, titled by their values.
  EXPECT_EQ(lines_starting(first, "set title ").size(), 32u);
  EXPECT_NE(first.find("set title 'width=8, dropout=0.1 [0001]'"), std::string::npos) << first;
  // Validation and clean training curves where the trial has them (even ids), not elsewhere.
  const std::vector<std::string> plot = lines_starting(first, "plot ");
  ASSERT_EQ(plot.size(), 32u);
  EXPECT_NE(plot[0].find("index 0 using 1:3 with lines"), std::string::npos) << plot[0];
  EXPECT_NE(plot[0].find("title 'validation'"), std::string::npos) << plot[0];
  EXPECT_NE(plot[0].find("title 'train (evaluation mode)'"), std::string::npos) << plot[0];
  EXPECT_EQ(plot[1].find("'validation'"), std::string::npos) << plot[1];
  EXPECT_NE(plot[1].find("index 1 using 1:5 with lines"), std::string::npos) << plot[1];
  // An interaction with dropout (4 values) as the lines.
  EXPECT_TRUE(std::filesystem::exists(dir / "interaction-model-width-by-model-dropout.gp"));
}

TEST(Plots, ComplexityShowsTheUShapedTestCurveAndTrainSizeTheGap) {
  SweepRecord sweep;
  sweep.name = "poly";
  sweep.spec_text =
      "name: poly\nmethod: grid\ndataset: {name: polynomial}\nmodel: {type: linear}\n"
      "parameters:\n  dataset.features: {values: [2, 4, 20]}\n"
      "  dataset.train_subset: {values: [100, 1000]}\n";
  sweep.swept_parameters = {"dataset.features", "dataset.train_subset"};
  int64_t id = 0;
  for (int64_t features : {2, 4, 20})
    for (int64_t subset : {100, 1000}) {
      const double train = features == 2 ? 4.0 : features == 4 ? 0.01 : 0.005;
      const double test = (features == 2   ? 10.0
                           : features == 4 ? 0.012
                                           : 0.03) *
                          (subset == 100 ? 1.5 : 1.0);
      sweep.trials.push_back(
          trial(id++, {{"dataset.features", features}, {"dataset.train_subset", subset}}, train,
                test, true));
    }
  TempDir dir;
  const std::vector<PlotFile> plots =
      draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  ASSERT_FALSE(plots.empty());
  EXPECT_EQ(plots[plots.size() - 2].name, "complexity-dataset-features");
  EXPECT_EQ(plots.back().name, "train-size");
  const std::string complexity = read(dir / "complexity-dataset-features.gp");
  EXPECT_NE(complexity.find("set logscale y"), std::string::npos) << "errors span decades";
  EXPECT_NE(complexity.find("set xtics ('2' 2, '4' 4, '20' 20)"), std::string::npos);
  for (const char* line :
       {"title 'training error (last 3 epochs)'", "title 'validation error (last 3 epochs)'",
        "title 'test error (last 3 epochs)'"})
    EXPECT_NE(complexity.find(line), std::string::npos) << line;
  // Columns: features, then mean ci n of train, validation, test and gap.
  const std::string data = read(dir / "complexity-dataset-features.dat");
  std::vector<double> test;
  std::istringstream in(data);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    double v[13];
    for (double& x : v) row >> x;
    EXPECT_EQ(v[3], 2) << line;  // two training-set sizes per degree
    test.push_back(v[7]);
  }
  ASSERT_EQ(test.size(), 3u) << data;
  EXPECT_GT(test[0], test[1]);  // the U: high, low, higher
  EXPECT_LT(test[1], test[2]);
  const std::string size = read(dir / "train-size.gp");
  EXPECT_NE(size.find("set logscale x"), std::string::npos);
  EXPECT_NE(size.find("set xtics ('100' 100, '1000' 1000)"), std::string::npos) << size;
  EXPECT_NE(read(dir / "train-size.dat").find("gap_mean"), std::string::npos);
}

TEST(Plots, TextParametersAndAZeroWeightDecayAreLabelledEvenlySpacedPoints) {
  SweepRecord sweep;
  sweep.name = "text";
  sweep.spec_text =
      "name: text\nmethod: grid\nparameters:\n  model.activation: {values: [tanh, relu]}\n"
      "  training.weight_decay: {values: [0, 0.0001, 0.001]}\n";
  sweep.swept_parameters = {"model.activation", "training.weight_decay"};
  int64_t id = 0;
  for (const char* activation : {"tanh", "relu"})
    for (double decay : {0.0, 0.0001, 0.001}) {
      sweep.trials.push_back(trial(
          id, {{"model.activation", std::string(activation)}, {"training.weight_decay", decay}},
          0.1 + decay, 0.2 + decay * 10));
      ++id;
    }
  TempDir dir;
  draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  const std::string activation = read(dir / "param-model-activation.gp");
  EXPECT_EQ(lines_starting(activation, "set xtics"),
            std::vector<std::string>{"set xtics ('relu' 0, 'tanh' 1)"});
  EXPECT_NE(activation.find("set xrange [-0.5:1.5]"), std::string::npos);
  const std::string decay = read(dir / "param-training-weight_decay.gp");
  EXPECT_EQ(decay.find("set logscale x"), std::string::npos);
  EXPECT_EQ(lines_starting(decay, "set xtics"),
            std::vector<std::string>{"set xtics ('0' 0, '" + value_string(ConfigValue{0.0001}) +
                                     "' 1, '0.001' 2)"});
  // x: weight decay (3 values), one line per activation.
  const std::string interaction =
      read(dir / "interaction-training-weight_decay-by-model-activation.gp");
  EXPECT_NE(interaction.find("title 'activation=relu'"), std::string::npos) << interaction;
  EXPECT_NE(interaction.find("title 'activation=tanh'"), std::string::npos) << interaction;
}

TEST(Plots, ASweepWithoutAnyEpochYetDrawsNothingAndDoesNotFail) {
  SweepRecord sweep;
  sweep.name = "pending";
  sweep.spec_text = "name: pending\nmethod: grid\nparameters:\n  model.depth: {values: [1, 2]}\n";
  sweep.swept_parameters = {"model.depth"};
  for (int64_t id = 0; id < 2; ++id) {
    TrialRecord t;
    t.id = id;
    t.swept = {{"model.depth", id + 1}};
    for (const std::string& name : curve_names()) t.curves[name] = {};
    sweep.trials.push_back(t);
  }
  TempDir dir;
  EXPECT_TRUE(draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string()).empty());
  // One trial with epochs: its plots, and no line for the other depth's missing point.
  sweep.trials[0] = trial(0, {{"model.depth", int64_t{1}}}, 0.1, 0.2);
  const std::vector<PlotFile> plots =
      draw_plots(sweep, DiagnosisRule{}.for_sweep(sweep), dir.path().string());
  EXPECT_EQ(plots.size(), 4u);
  EXPECT_NE(read(dir / "curves-all-1.gp").find("1 trials without a recorded epoch not shown"),
            std::string::npos);
}

}  // namespace
}  // namespace hpsweep::testing
