// VOC all-point interpolated AP and mAP on hand-worked cases (docs/detection.md, "Detection
// metrics"); tests/interop/average_precision.py checks random cases against numpy.
#include <gtest/gtest.h>

#include <cmath>

#include "worker/detection/average_precision.h"

namespace hpsweep::testing {
namespace {

const Box kA{0, 0, 10, 10}, kB{20, 20, 30, 30};

TEST(DetectionAveragePrecision, AreaUnderTheInterpolatedPrecisionRecallCurve) {
  // Two objects in one image; by score: a hit, a miss, a hit. Precision 1, 1/2, 2/3 at recall
  // 1/2, 1/2, 1; interpolated, 1 up to recall 1/2 and 2/3 up to 1: AP = 1/2 + 1/3.
  const std::vector<TruthBox> truth = {{0, 0, kA}, {0, 0, kB}};
  const std::vector<ScoredBox> found = {
      {0, 0, 0.9f, kA}, {0, 0, 0.8f, {50, 50, 60, 60}}, {0, 0, 0.7f, kB}};
  EXPECT_NEAR(average_precision(found, truth, 0.5), 0.5 + 1.0 / 3, 1e-12);
  // Detections are ranked by score, not taken in order.
  const std::vector<ScoredBox> shuffled = {found[2], found[0], found[1]};
  EXPECT_NEAR(average_precision(shuffled, truth, 0.5), 0.5 + 1.0 / 3, 1e-12);
  // The miss ranked last leaves the precision 1 at every recall.
  const std::vector<ScoredBox> miss_last = {
      {0, 0, 0.9f, kA}, {0, 0, 0.8f, kB}, {0, 0, 0.7f, {50, 50, 60, 60}}};
  EXPECT_DOUBLE_EQ(average_precision(miss_last, truth, 0.5), 1.0);
}

TEST(DetectionAveragePrecision, ASecondDetectionOfAnObjectAndOtherImagesBoxesAreMisses) {
  const std::vector<TruthBox> truth = {{0, 0, kA}, {1, 0, kB}};
  // The duplicate of A (rank 2) is a miss; B in image 0 matches nothing (B is in image 1).
  const std::vector<ScoredBox> found = {
      {0, 0, 0.9f, kA}, {0, 0, 0.8f, kA}, {0, 0, 0.7f, kB}, {1, 0, 0.6f, kB}};
  // Recall 1/2 at precision 1; recall 1 at precision 2/4.
  EXPECT_DOUBLE_EQ(average_precision(found, truth, 0.5), 0.5 + 0.5 * 0.5);
  EXPECT_DOUBLE_EQ(average_precision({}, truth, 0.5), 0.0);
  EXPECT_TRUE(std::isnan(average_precision(found, {}, 0.5)));
}

TEST(DetectionAveragePrecision, MeanOverClassesWithObjectsAndOverIouThresholds) {
  // Class 0 found perfectly, class 1 not at all, class 2 has no objects (its detection does
  // not count): mAP = (1 + 0) / 2.
  const std::vector<TruthBox> truth = {{0, 0, kA}, {0, 1, kB}};
  const std::vector<ScoredBox> found = {
      {0, 0, 0.9f, kA}, {0, 1, 0.8f, {40, 40, 50, 50}}, {0, 2, 0.7f, kB}};
  EXPECT_DOUBLE_EQ(mean_average_precision(found, truth, 0.5), 0.5);
  // A box of IoU 0.62 with its object is a hit at 0.5, 0.55 and 0.6 only: 3 of 10 thresholds.
  const std::vector<TruthBox> one = {{0, 0, kA}};
  const std::vector<ScoredBox> loose = {{0, 0, 0.9f, {0, 0, 10, 6.2f}}};
  EXPECT_DOUBLE_EQ(mean_average_precision(loose, one, 0.6), 1.0);
  EXPECT_DOUBLE_EQ(mean_average_precision(loose, one, 0.65), 0.0);
  EXPECT_NEAR(mean_average_precision_50_95(loose, one), 0.3, 1e-12);
  // The object matched by its best box: a lower-IoU box of the same class scores first and
  // takes it (VOC matches each detection greedily by rank).
  const std::vector<ScoredBox> greedy = {{0, 0, 0.9f, {0, 0, 10, 6.2f}}, {0, 0, 0.8f, kA}};
  EXPECT_DOUBLE_EQ(mean_average_precision(greedy, one, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(mean_average_precision(greedy, one, 0.7), 0.5);  // hit at rank 2: 1/2
  EXPECT_TRUE(std::isnan(mean_average_precision(found, {}, 0.5)));
}

}  // namespace
}  // namespace hpsweep::testing
