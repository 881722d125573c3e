// Plots drawn by gnuplot from a sweep with known curves: every expected image exists, is a
// real PNG or SVG, and its gnuplot script and data stay beside it.
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/plots.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

TrialRecord trial(int64_t id, double lr, int64_t subset, double final_test) {
  TrialRecord t;
  t.id = id;
  t.status = TrialStatus::completed;
  t.swept = {{"training.lr", lr}, {"dataset.train_subset", subset}};
  for (int e = 1; e <= 3; ++e) {
    t.curves["epoch"].push_back(e);
    t.curves["train_error"].push_back(0.5 / e);
    t.curves["test_error"].push_back(e < 3 ? 0.6 / e : final_test);
    t.curves["train_loss"].push_back(1.0 / e);
    t.curves["test_loss"].push_back(1.1 / e);
  }
  return t;
}

std::string head(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text(bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(bytes));
  return text.substr(0, static_cast<size_t>(in.gcount()));
}

TEST(Plots, DrawsCurvesEachParameterAndTheGapAgainstDataSize) {
  SweepRecord sweep;
  sweep.name = "plots";
  sweep.swept_parameters = {"training.lr", "dataset.train_subset"};
  sweep.trials = {trial(0, 0.01, 1000, 0.4), trial(1, 0.1, 1000, 0.3), trial(2, 0.01, 5000, 0.25),
                  trial(3, 0.1, 5000, 0.2)};
  TempDir dir;
  const std::vector<std::string> images = write_plots(sweep, DiagnosisRule{}, dir.path().string());
  const std::vector<std::string> expected = {"curves", "param-training-lr",
                                             "param-dataset-train_subset", "gap-vs-train-size"};
  ASSERT_EQ(images.size(), 2 * expected.size());
  for (const std::string& name : expected) {
    const std::string base = (dir / name).string();
    EXPECT_EQ(head(base + ".png", 8), "\x89PNG\r\n\x1a\n") << name;
    EXPECT_GT(std::filesystem::file_size(base + ".png"), 5000u) << name;
    const std::string svg = head(base + ".svg", 4096);
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
    EXPECT_TRUE(std::filesystem::exists(base + ".gp")) << name;
    EXPECT_TRUE(std::filesystem::exists(base + ".dat")) << name;
  }
  // The gap plot's data: mean final gap per training-set size.
  std::ifstream data(dir / "gap-vs-train-size.dat");
  const std::string text((std::istreambuf_iterator<char>(data)), {});
  // size 1000: final test errors 0.4 and 0.3, final train error 0.5/3 -> mean gap 0.35 - 0.1667
  EXPECT_NE(text.find("1000 0.183333 2"), std::string::npos) << text;
  EXPECT_NE(text.find("5000 0.0583333 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace hpsweep::testing
