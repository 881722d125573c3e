// The tiny SSD end to end in one process (worker/detection_trainer.h): on a small detection
// set it trains, its loss falls, every detection curve is filled and mAP is a share, and the
// same seed gives the same bits.
#include <gtest/gtest.h>

#include <cmath>

#include "common/spec.h"
#include "coordinator/search_space.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

class Recorder : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData>) override {
    metrics.push_back(m);
  }
  std::vector<EpochMetrics> metrics;
};

std::vector<EpochMetrics> train_detector_spec(const TempDir& dir) {
  const SweepSpec spec = parse_spec(
      "seed: 3\nmethod: grid\nmetric: {name: test_map50, goal: maximize}\n"
      "dataset: {name: fmnist-detection, input_size: 32, train_subset: 64, test_subset: 16, "
      "seed: 2, path: " +
          (dir / "data").string() +
          "}\nmodel: {type: tiny-ssd, width: 8, depth: 3, init: xavier}\n"
          "training: {epochs: 3, batch_size: 16, lr: 0.2}\n",
      "ssd.yaml");
  const Trial trial = expand_trials(spec)[0];
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder recorder;
  const TrialOutcome outcome = run_trial(trial, data, {}, recorder, never, solo);
  EXPECT_EQ(outcome.status, TrialStatus::completed) << outcome.message;
  return recorder.metrics;
}

TEST(DetectorTraining, TrainsAndFillsTheDetectionCurves) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 40, 20, 3);
  const std::vector<EpochMetrics> m = train_detector_spec(dir);
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
  const std::vector<EpochMetrics> again = train_detector_spec(dir);
  EXPECT_EQ(again.back().train_loss, m.back().train_loss);
  EXPECT_EQ(again.back().test_map50, m.back().test_map50);
}

}  // namespace
}  // namespace hpsweep::testing
