// The tiny SSD end to end in one process (worker/detection_trainer.h): on a small detection
// set it trains, its loss falls, every detection curve is filled and mAP is a share, and the
// same seed gives the same bits; the best epoch's detections are stored and give its mAP, and
// `hpsweep report` draws them on the test canvases.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/spec.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"
#include "worker/detection/average_precision.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

class Recorder : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData> c) override {
    metrics.push_back(m);
    if (c) last = std::move(*c);
  }
  std::vector<EpochMetrics> metrics;
  CheckpointData last;
};

Trial detector_trial(const TempDir& dir) {
  const SweepSpec spec = parse_spec(
      "seed: 3\nmethod: grid\nmetric: {name: test_map50, goal: maximize}\n"
      "dataset: {name: fmnist-detection, input_size: 32, train_subset: 64, test_subset: 16, "
      "seed: 2, path: " +
          (dir / "data").string() +
          "}\nmodel: {type: tiny-ssd, width: 8, depth: 3, init: xavier}\n"
          "training: {epochs: 3, batch_size: 16, lr: 0.2}\n",
      "ssd.yaml");
  return expand_trials(spec)[0];
}

Recorder train_detector_spec(const TempDir& dir) {
  const Trial trial = detector_trial(dir);
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder recorder;
  const TrialOutcome outcome = run_trial(trial, data, {}, recorder, never, solo);
  EXPECT_EQ(outcome.status, TrialStatus::completed) << outcome.message;
  return recorder;
}

TEST(DetectorTraining, TrainsAndFillsTheDetectionCurves) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const std::vector<EpochMetrics> m = train_detector_spec(dir).metrics;
  ASSERT_EQ(m.size(), 3u);
  EXPECT_LT(m.back().train_loss, m.front().train_loss);
  for (const EpochMetrics& e : m) {
    for (double v : {e.train_loss, e.test_loss, e.train_box_mae, e.test_box_mae})
      EXPECT_TRUE(std::isfinite(v) && v > 0) << e.epoch;
    for (double v : {e.train_error, e.test_error, e.test_map50, e.test_map50_95})
      EXPECT_TRUE(v >= 0 && v <= 1) << e.epoch;
    EXPECT_LE(e.test_map50_95, e.test_map50);
    EXPECT_TRUE(std::isnan(e.train_perplexity));
  }
  const std::vector<EpochMetrics> again = train_detector_spec(dir).metrics;
  EXPECT_EQ(again.back().train_loss, m.back().train_loss);
  EXPECT_EQ(again.back().test_map50, m.back().test_map50);
}

// The best epoch's test detections are in the checkpoint file, and give its mAP again.
TEST(DetectorTraining, TheBestEpochsDetectionsAreStoredAndGiveItsMap) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const Recorder recorder = train_detector_spec(dir);
  const std::string path = (dir / "checkpoint.h5").string();
  write_checkpoint_file(path, recorder.last);
  const CheckpointData read = read_checkpoint_file(path);
  ASSERT_FALSE(read.best_detections.empty());
  ASSERT_EQ(read.best_detections.size(), recorder.last.best_detections.size());
  const TrainTestData data = load_dataset(detector_trial(dir).config.dataset);
  std::vector<TruthBox> truth;
  const float side = static_cast<float>(data.test.inputs.dim(3));
  for (size_t i = 0; i < data.test.objects.size(); ++i)
    for (const DetectionObject& o : data.test.objects[i])
      truth.push_back({static_cast<int64_t>(i),
                       o.label,
                       {o.box.x1 / side, o.box.y1 / side, o.box.x2 / side, o.box.y2 / side}});
  std::vector<ScoredBox> found;
  for (const StoredDetection& d : read.best_detections) {
    EXPECT_TRUE(d.image >= 0 && d.image < data.test.size());
    found.push_back({d.image, d.class_id, d.score, {d.x1, d.y1, d.x2, d.y2}});
  }
  const EpochMetrics& best = recorder.metrics[read.best_epoch - 1];
  EXPECT_EQ(read.best_metric, best.test_map50);
  EXPECT_DOUBLE_EQ(mean_average_precision(found, truth, 0.5), best.test_map50);
  EXPECT_DOUBLE_EQ(mean_average_precision_50_95(found, truth), best.test_map50_95);
}

// `hpsweep report` on a detector sweep draws the best trial's first test canvases with every
// true box and every stored detection of at least the threshold, at their coordinates. The
// trial trains on flipped canvases, a swept boolean (stored in sweep.h5 as an integer).
TEST(DetectorTraining, TheReportDrawsTheBestTrialsBoxesOnItsTestCanvases) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const std::string spec = (dir / "ssd.yaml").string(), out = (dir / "out").string();
  std::ofstream(spec) << "seed: 3\nmethod: grid\nmetric: {name: test_map50, goal: maximize}\n"
                         "dataset: {name: fmnist-detection, input_size: 32, train_subset: 64, "
                         "test_subset: 16, seed: 2, path: "
                      << (dir / "data").string()
                      << "}\nmodel: {type: tiny-ssd, width: 8, depth: 3, init: xavier}\n"
                         "training: {epochs: 2, batch_size: 16, lr: 0.2}\n"
                         "parameters:\n  dataset.flip: {values: [true]}\n";
  const std::string binary = HPSWEEP_BINARY;
  const CommandResult run = run_shell(binary + " run " + spec + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const CommandResult report =
      run_shell(binary + " report " + out + " --canvases 3 --score-threshold 0.05");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  std::ifstream file(out + "/report.html");
  const std::string html((std::istreambuf_iterator<char>(file)), {});
  const CheckpointData checkpoint = read_checkpoint_file(out + "/checkpoints/0000.h5");
  ASSERT_FALSE(checkpoint.best_detections.empty());
  const auto pixels = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return std::string(text);
  };
  const auto rect = [&](const char* kind, float x1, float y1, float x2, float y2) {
    return std::string("<rect class=\"") + kind + "\" x=\"" + pixels(x1 * 32) + "\" y=\"" +
           pixels(y1 * 32) + "\" width=\"" + pixels(x2 * 32 - x1 * 32) + "\" height=\"" +
           pixels(y2 * 32 - y1 * 32) + "\" fill=\"none\">";
  };
  size_t predicted = 0;
  for (const StoredDetection& d : checkpoint.best_detections) {
    if (d.image >= 3 || d.score < 0.05f) continue;
    ++predicted;
    EXPECT_NE(html.find(rect("predicted", d.x1, d.y1, d.x2, d.y2)), std::string::npos)
        << d.image << " " << d.x1;
  }
  EXPECT_GT(predicted, 0u);
  size_t truth = 0;
  const TrainTestData data = load_dataset(detector_trial(dir).config.dataset);
  for (int64_t i = 0; i < 3; ++i)
    for (const DetectionObject& o : data.test.objects[i]) {
      ++truth;
      EXPECT_NE(html.find(rect("true", o.box.x1 / 32, o.box.y1 / 32, o.box.x2 / 32, o.box.y2 / 32)),
                std::string::npos);
    }
  size_t rects = 0;
  for (size_t at = html.find("<rect class=\"predicted\""); at != std::string::npos;
       at = html.find("<rect class=\"predicted\"", at + 1))
    ++rects;
  EXPECT_EQ(rects, predicted);
  EXPECT_NE(html.find("trial 0000, the first 3 of 16 test canvases"), std::string::npos);
  EXPECT_NE(html.find("<figcaption>test canvas 2: "), std::string::npos);
}

}  // namespace
}  // namespace hpsweep::testing
