// Box utilities against d2l's worked examples (13.3-13.4), with the numbers the book prints,
// and against hand-worked cases for the rules the examples do not reach. torchvision agrees
// on random inputs in tests/interop/detection_ops.py.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "worker/detection/anchor_labels.h"
#include "worker/detection/anchors.h"
#include "worker/detection/box_offsets.h"
#include "worker/detection/multibox_detection.h"
#include "worker/detection/nms.h"

namespace hpsweep::testing {
namespace {

void expect_box_near(const Box& actual, const Box& expected, float tolerance) {
  EXPECT_NEAR(actual.x1, expected.x1, tolerance);
  EXPECT_NEAR(actual.y1, expected.y1, tolerance);
  EXPECT_NEAR(actual.x2, expected.x2, tolerance);
  EXPECT_NEAR(actual.y2, expected.y2, tolerance);
}

TEST(Boxes, CornersAndCentersOfTheBooksDogAndCat) {
  const Box dog{60, 45, 378, 516}, cat{400, 112, 655, 493};
  const CenterBox c = to_center(dog);
  EXPECT_EQ(c.cx, 219);
  EXPECT_EQ(c.cy, 280.5);
  EXPECT_EQ(c.w, 318);
  EXPECT_EQ(c.h, 471);
  expect_box_near(to_corners(to_center(dog)), dog, 0);
  expect_box_near(to_corners(to_center(cat)), cat, 0);
}

TEST(Boxes, IntersectionOverUnion) {
  const Box a{0, 0, 2, 2};
  EXPECT_FLOAT_EQ(iou(a, {1, 1, 3, 3}), 1.0f / 7);  // 1 shared of 4 + 4 - 1
  EXPECT_FLOAT_EQ(iou(a, {0, 0, 2, 2}), 1.0f);
  EXPECT_FLOAT_EQ(iou(a, {2, 0, 3, 2}), 0.0f);               // touching edges share no area
  EXPECT_FLOAT_EQ(iou(a, {0.5f, 0.5f, 1.5f, 1.5f}), 0.25f);  // contained: 1 / 4
}

TEST(Boxes, IoUMatrixIsRowMajorOverThePairs) {
  const std::vector<Box> a{{0, 0, 2, 2}, {1, 1, 3, 3}};
  const std::vector<Box> b{{0, 0, 2, 2}, {2, 2, 3, 3}, {1, 0, 2, 2}};
  const std::vector<float> m = iou_matrix(a, b);
  const std::vector<float> expected{1, 0, 0.5f, 1.0f / 7, 0.25f, 0.2f};
  ASSERT_EQ(m.size(), expected.size());
  for (size_t i = 0; i < m.size(); ++i) EXPECT_FLOAT_EQ(m[i], expected[i]) << i;
}

// 13.4: a 561 x 728 image, sizes 0.75, 0.5, 0.25 and ratios 1, 2, 0.5; the book prints the
// shape and the first anchor centered on pixel (250, 250) to two decimals.
TEST(Anchors, TheBooksCatDogImage) {
  const std::vector<float> sizes{0.75f, 0.5f, 0.25f}, ratios{1, 2, 0.5f};
  const std::vector<Box> anchors = multibox_prior(561, 728, sizes, ratios);
  EXPECT_EQ(anchors_per_pixel(3, 3), 5);
  ASSERT_EQ(anchors.size(), 2042040u);
  const int64_t pixel = (250 * 728 + 250) * 5;
  expect_box_near(anchors[pixel], {0.06f, 0.07f, 0.63f, 0.82f}, 0.005f);

  // The five anchors of that pixel, from d2l's formulas: (s1, r1), (s2, r1), (s3, r1),
  // (s1, r2), (s1, r3), widths scaled by H / W.
  const float cx = 250.5f / 728, cy = 250.5f / 561, aspect = 561.0f / 728;
  const float widths[5] = {0.75f * aspect, 0.5f * aspect, 0.25f * aspect,
                           0.75f * std::sqrt(2.0f) * aspect, 0.75f * std::sqrt(0.5f) * aspect};
  const float heights[5] = {0.75f, 0.5f, 0.25f, 0.75f / std::sqrt(2.0f), 0.75f / std::sqrt(0.5f)};
  for (int k = 0; k < 5; ++k)
    expect_box_near(
        anchors[pixel + k],
        {cx - widths[k] / 2, cy - heights[k] / 2, cx + widths[k] / 2, cy + heights[k] / 2}, 1e-6f);
}

TEST(Anchors, PixelsInRowMajorOrder) {
  const std::vector<float> sizes{0.5f}, ratios{1};
  const std::vector<Box> anchors = multibox_prior(2, 2, sizes, ratios);
  ASSERT_EQ(anchors.size(), 4u);
  expect_box_near(anchors[0], {0, 0, 0.5f, 0.5f}, 0);
  expect_box_near(anchors[1], {0.5f, 0, 1, 0.5f}, 0);  // x moves first
  expect_box_near(anchors[2], {0, 0.5f, 0.5f, 1}, 0);
  expect_box_near(anchors[3], {0.5f, 0.5f, 1, 1}, 0);
}

// 13.4's labeling example: the dog and the cat, five anchors.
const std::vector<LabeledBox> kDogAndCat{{0, {0.1f, 0.08f, 0.52f, 0.92f}},
                                         {1, {0.55f, 0.2f, 0.9f, 0.88f}}};
const std::vector<Box> kFiveAnchors{{0, 0.1f, 0.2f, 0.3f},
                                    {0.15f, 0.2f, 0.4f, 0.4f},
                                    {0.63f, 0.05f, 0.88f, 0.98f},
                                    {0.66f, 0.45f, 0.8f, 0.8f},
                                    {0.57f, 0.3f, 0.92f, 0.9f}};

TEST(AnchorLabels, TheBooksDogAndCat) {
  const AnchorTargets targets = multibox_target(kFiveAnchors, kDogAndCat);
  EXPECT_EQ(targets.class_labels, (std::vector<int64_t>{0, 1, 2, 0, 2}));
  EXPECT_EQ(targets.mask,
            (std::vector<float>{0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1}));
  // As the book prints them, to three significant digits, anchor by anchor.
  const std::vector<std::array<float, 4>> printed{{0, 0, 0, 0},
                                                  {1.40f, 10.0f, 2.59f, 7.18f},
                                                  {-1.20f, 0.269f, 1.68f, -1.57f},
                                                  {0, 0, 0, 0},
                                                  {-0.571f, -1.00f, 4.17e-6f, 0.626f}};
  ASSERT_EQ(targets.offsets.size(), printed.size() * 4);
  for (size_t a = 0; a < printed.size(); ++a)
    for (size_t k = 0; k < 4; ++k)
      EXPECT_NEAR(targets.offsets[a * 4 + k], printed[a][k], 0.005f * std::abs(printed[a][k]))
          << "anchor " << a << ", offset " << k;
}

TEST(AnchorLabels, GreedyPairsFirstThenTheThreshold) {
  std::vector<Box> truth;
  for (const LabeledBox& object : kDogAndCat) truth.push_back(object.box);
  // A4 takes the cat (the largest IoU), A1 the dog; A2 passes the threshold with the cat.
  EXPECT_EQ(assign_boxes_to_anchors(kFiveAnchors, truth), (std::vector<int64_t>{-1, 0, 1, -1, 1}));
}

TEST(AnchorLabels, EveryBoxGetsAnAnchorEvenWithoutOverlap) {
  const std::vector<Box> anchors{{0, 0, 1, 1}, {2, 2, 3, 3}};
  const std::vector<Box> truth{{10, 10, 11, 11}};
  // All IoUs are 0: the first entry of the matrix wins, as torch.argmax picks it.
  EXPECT_EQ(assign_boxes_to_anchors(anchors, truth), (std::vector<int64_t>{0, -1}));
}

TEST(AnchorLabels, TheGreedyPassTakesTheLargestIoUFirst) {
  // Anchor 0 overlaps box 1 best (IoU 1) and box 0 well (0.81); the greedy pass gives it
  // box 1, so box 0 goes to anchor 1 although its IoU there (0.31) is below the threshold.
  const std::vector<Box> anchors{{0, 0, 1, 1}, {0, 0, 0.5f, 0.5f}};
  const std::vector<Box> truth{{0, 0, 0.9f, 0.9f}, {0, 0, 1, 1}};
  EXPECT_EQ(assign_boxes_to_anchors(anchors, truth), (std::vector<int64_t>{1, 0}));
}

TEST(AnchorLabels, TheThresholdIsInclusive) {
  // Anchor 1 has IoU exactly 0.5 with the box (an exact float): it is labeled.
  const std::vector<Box> anchors{{0, 0, 1, 1}, {0, 0, 1, 0.5f}, {0, 0, 1, 0.25f}};
  const std::vector<Box> truth{{0, 0, 1, 1}};
  EXPECT_EQ(assign_boxes_to_anchors(anchors, truth), (std::vector<int64_t>{0, 0, -1}));
}

TEST(BoxOffsets, AppliedOffsetsGiveTheBoxBack) {
  const Box anchor{0.2f, 0.1f, 0.6f, 0.5f}, box{0.25f, 0.05f, 0.7f, 0.45f};
  const BoxOffsets o = box_offsets(anchor, box);
  // Centers 0.4 -> 0.475 and 0.3 -> 0.25 over sizes 0.4: 10 * 0.075 / 0.4, 10 * -0.05 / 0.4.
  EXPECT_NEAR(o[0], 1.875f, 1e-5f);
  EXPECT_NEAR(o[1], -1.25f, 1e-5f);
  EXPECT_NEAR(o[2], 5 * std::log(0.45f / 0.4f), 1e-5f);
  EXPECT_NEAR(o[3], 0.0f, 1e-5f);  // equal heights: 5 * log(1 + 1e-6)
  expect_box_near(apply_offsets(anchor, o), box, 1e-6f);
}

// 13.4's non-maximum suppression example: four anchors, zero offsets, probabilities for
// background, dog and cat; the book prints the result to two decimals.
const std::vector<Box> kFourAnchors{{0.1f, 0.08f, 0.52f, 0.92f},
                                    {0.08f, 0.2f, 0.56f, 0.95f},
                                    {0.15f, 0.3f, 0.62f, 0.91f},
                                    {0.55f, 0.2f, 0.9f, 0.88f}};
const std::vector<float> kZeroOffsets(16, 0.0f);
const std::vector<float> kDogCatProbabilities{0,    0,    0,    0,      // background
                                              0.9f, 0.8f, 0.7f, 0.1f,   // dog
                                              0.1f, 0.2f, 0.3f, 0.9f};  // cat

void expect_row(const Detection& d, const std::vector<float>& printed) {
  EXPECT_EQ(d.class_id, static_cast<int64_t>(printed[0]));
  EXPECT_NEAR(d.score, printed[1], 1e-6f);
  expect_box_near(d.box, {printed[2], printed[3], printed[4], printed[5]}, 1e-6f);
}

TEST(MultiboxDetection, TheBooksFourAnchors) {
  const std::vector<Detection> rows =
      multibox_detection(kDogCatProbabilities, kZeroOffsets, kFourAnchors);
  ASSERT_EQ(rows.size(), 4u);
  expect_row(rows[0], {0, 0.9f, 0.1f, 0.08f, 0.52f, 0.92f});
  expect_row(rows[1], {1, 0.9f, 0.55f, 0.2f, 0.9f, 0.88f});
  expect_row(rows[2], {-1, 0.8f, 0.08f, 0.2f, 0.56f, 0.95f});
  expect_row(rows[3], {-1, 0.7f, 0.15f, 0.3f, 0.62f, 0.91f});
  const std::vector<Detection> objects = objects_only(rows);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[1].class_id, 1);
}

TEST(Nms, TheBooksFourAnchorsKeepTheBestDogAndTheCat) {
  const std::vector<float> scores{0.9f, 0.8f, 0.7f, 0.9f};
  // Equal scores keep the lower index first.
  EXPECT_EQ(nms(kFourAnchors, scores, 0.5f), (std::vector<int64_t>{0, 3}));
  // Anchor 0 overlaps anchor 1 with IoU 0.74 and anchor 2 with 0.55: a higher threshold
  // keeps anchor 2, a still higher one all.
  EXPECT_EQ(nms(kFourAnchors, scores, 0.6f), (std::vector<int64_t>{0, 3, 2}));
  EXPECT_EQ(nms(kFourAnchors, scores, 0.9f), (std::vector<int64_t>{0, 3, 1, 2}));
}

TEST(Nms, PerClassLetsOverlappingBoxesOfOtherClassesStand) {
  const std::vector<Box> boxes{{0, 0, 1, 1}, {0, 0, 1, 0.9f}, {0, 0.1f, 1, 1}};
  const std::vector<float> scores{0.9f, 0.8f, 0.7f};
  const std::vector<int64_t> classes{0, 1, 0};
  EXPECT_EQ(nms(boxes, scores, 0.5f), (std::vector<int64_t>{0}));
  EXPECT_EQ(nms_per_class(boxes, scores, classes, 0.5f), (std::vector<int64_t>{0, 1}));
}

TEST(MultiboxDetection, PerClassScopeIsAnOption) {
  // Two anchors on the same spot, one surely a dog and one surely a cat.
  const std::vector<Box> anchors{{0.1f, 0.1f, 0.5f, 0.5f}, {0.1f, 0.1f, 0.5f, 0.5f}};
  const std::vector<float> probabilities{0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.8f};
  const std::vector<float> offsets(8, 0.0f);
  EXPECT_EQ(objects_only(multibox_detection(probabilities, offsets, anchors)).size(), 1u);
  DetectionOptions per_class;
  per_class.nms_scope = NmsScope::per_class;
  const std::vector<Detection> both =
      objects_only(multibox_detection(probabilities, offsets, anchors, per_class));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].class_id, 0);
  EXPECT_EQ(both[1].class_id, 1);
}

TEST(MultiboxDetection, UnlikelyObjectsBecomeBackgroundWithTheBackgroundsScore) {
  const std::vector<Box> anchors{{0, 0, 0.5f, 0.5f}, {0.5f, 0.5f, 1, 1}};
  const std::vector<float> probabilities{0.995f, 0.2f, 0.005f, 0.8f};
  const std::vector<Detection> rows =
      multibox_detection(probabilities, std::vector<float>(8, 0.0f), anchors);
  ASSERT_EQ(rows.size(), 2u);
  expect_row(rows[0], {0, 0.8f, 0.5f, 0.5f, 1, 1});
  expect_row(rows[1], {-1, 0.995f, 0, 0, 0.5f, 0.5f});
}

TEST(MultiboxDetection, OffsetsMoveTheBoxes) {
  const std::vector<Box> anchors{{0.2f, 0.2f, 0.6f, 0.6f}};
  // x moves by 1 * 0.4 / 10, the width grows by exp(1 / 5).
  const std::vector<float> offsets{1, 0, 1, 0};
  const std::vector<Detection> rows =
      multibox_detection(std::vector<float>{0.1f, 0.9f}, offsets, anchors);
  const float w = 0.4f * std::exp(0.2f);
  expect_box_near(rows[0].box, {0.44f - w / 2, 0.2f, 0.44f + w / 2, 0.6f}, 1e-6f);
}

}  // namespace
}  // namespace hpsweep::testing
