// Augmented detection canvases (docs/detection.md, "Augmentation"): boxes follow the pixels
// that flips and padded crops move: a hand-worked canvas, lone objects whose boxes stay the
// tight box of the lit pixels, mirrored boxes, dropped boxes, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "worker/data/dataset.h"
#include "worker/data/detection_augmentation.h"
#include "worker/detection/detection_batch.h"

namespace hpsweep::testing {
namespace {

const std::string kFashionMnist = "/usr/share/datasets/fashion-mnist";

bool same_box(const Box& a, const Box& b) {
  return a.x1 == b.x1 && a.y1 == b.y1 && a.x2 == b.x2 && a.y2 == b.y2;
}

// The tight box of the pixels > 0 of a side x side image, in pixel corners; none when blank.
std::optional<Box> tight_box(const float* image, int64_t side) {
  int64_t x1 = side, y1 = side, x2 = -1, y2 = -1;
  for (int64_t r = 0; r < side; ++r)
    for (int64_t c = 0; c < side; ++c)
      if (image[r * side + c] > 0) {
        x1 = std::min(x1, c), y1 = std::min(y1, r), x2 = std::max(x2, c), y2 = std::max(y2, r);
      }
  if (x2 < 0) return std::nullopt;
  return Box{float(x1), float(y1), float(x2 + 1), float(y2 + 1)};
}

// A 12 x 12 canvas with two lit rectangles, the second one an L missing its upper-right part.
Dataset hand_canvas() {
  Dataset set;
  set.classes = 10;
  set.inputs = Tensor({1, 1, 12, 12});
  const auto light = [&](int64_t x1, int64_t y1, int64_t x2, int64_t y2) {
    for (int64_t y = y1; y < y2; ++y)
      for (int64_t x = x1; x < x2; ++x) set.inputs[y * 12 + x] = 0.5f;
  };
  light(2, 3, 6, 7);   // object 0: box (2, 3, 6, 7)
  light(8, 0, 10, 5);  // object 1: box (8, 0, 12, 5), its lit columns 10-11 only in rows 3-4
  light(10, 3, 12, 5);
  set.objects = {{{4, 17, Box{2, 3, 6, 7}}, {7, 23, Box{8, 0, 12, 5}}}};
  return set;
}

TEST(DetectionAugmentation, BoxesOfAHandWorkedCanvasFollowTheCrop) {
  const Dataset set = hand_canvas();
  std::vector<float> out(144);
  // Padding 2, corner (x 4, y 0): output pixel (x, y) shows input (x + 2, y - 2).
  const AugmentDraw crop{false, 0, 4};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 2, crop);
  std::vector<DetectionObject> moved = augment_objects(set.objects[0], out.data(), 12, 2, crop);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_TRUE(same_box(moved[0].box, Box{0, 5, 4, 9}));  // whole: shifted
  EXPECT_EQ(moved[0].label, 4);
  EXPECT_EQ(moved[0].source, 17);
  // Whole too: shifted.
  EXPECT_TRUE(same_box(moved[1].box, Box{6, 2, 10, 7}));
  // Corner (x 4, y 4): input (x + 2, y + 2). Object 1 is cut at the top: rows 0-1 go, rows
  // 2-4 show at 0-2; object 0 shows whole at (0, 1, 4, 5).
  const AugmentDraw up{false, 4, 4};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 2, up);
  moved = augment_objects(set.objects[0], out.data(), 12, 2, up);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_TRUE(same_box(moved[0].box, Box{0, 1, 4, 5}));
  EXPECT_TRUE(same_box(moved[1].box, Box{6, 0, 10, 3}));
  // Then mirrored: x' = 12 - x.
  const AugmentDraw mirrored{true, 4, 4};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 2, mirrored);
  moved = augment_objects(set.objects[0], out.data(), 12, 2, mirrored);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_TRUE(same_box(moved[0].box, Box{8, 1, 12, 5}));
  EXPECT_TRUE(same_box(moved[1].box, Box{2, 0, 6, 3}));
}

TEST(DetectionAugmentation, ACutBoxShrinksToItsLitPixelsOrIsDropped) {
  const Dataset set = hand_canvas();
  std::vector<float> out(144);
  // Padding 8, corner (x 16, y 8): input (x + 8, y). Object 1 shows whole at (0, 0, 4, 5);
  // object 0 leaves the canvas.
  const AugmentDraw right{false, 8, 16};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 8, right);
  std::vector<DetectionObject> moved = augment_objects(set.objects[0], out.data(), 12, 8, right);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].label, 7);
  EXPECT_TRUE(same_box(moved[0].box, Box{0, 0, 4, 5}));
  // Corner (x 18, y 8): input (x + 10, y). Only the L's foot shows: columns 10-11, rows 3-4;
  // its clipped box (0, 0, 2, 5) shrinks to them.
  const AugmentDraw foot{false, 8, 18};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 8, foot);
  moved = augment_objects(set.objects[0], out.data(), 12, 8, foot);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_TRUE(same_box(moved[0].box, Box{0, 3, 2, 5}));
  // Corner (x 0, y 0): input (x - 8, y - 8). Object 0's upper-left corner, columns 2-3 of
  // row 3, shows at (10..11, 11); object 1 leaves the canvas.
  const AugmentDraw corner{false, 0, 0};
  augment_image(set.inputs.data(), out.data(), 1, 12, 12, 8, corner);
  moved = augment_objects(set.objects[0], out.data(), 12, 8, corner);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].label, 4);
  EXPECT_TRUE(same_box(moved[0].box, Box{10, 11, 12, 12}));
}

// Lone objects: whatever the draw, the box is the tight box of the augmented canvas's lit
// pixels, or there is none and the canvas is blank.
class AugmentedDetectionSet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kFashionMnist)) return;
    DatasetConfig config;
    config.name = "fmnist-detection";
    config.train_subset = 300;
    config.test_subset = 1;
    config.max_objects = 1;
    config.seed = 5;
    lone_ = new Dataset(make_fmnist_detection(config).train);
    config.max_objects = 3;
    config.train_subset = 100;
    crowded_ = new Dataset(make_fmnist_detection(config).train);
  }
  static void TearDownTestSuite() {
    delete lone_;
    delete crowded_;
  }
  void SetUp() override {
    if (!lone_) GTEST_SKIP() << kFashionMnist << " missing (dataset-fashion-mnist)";
  }
  static std::vector<int64_t> all_ids(const Dataset& set) {
    std::vector<int64_t> ids(set.size());
    std::iota(ids.begin(), ids.end(), 0);
    return ids;
  }
  static Dataset* lone_;
  static Dataset* crowded_;
};
Dataset* AugmentedDetectionSet::lone_ = nullptr;
Dataset* AugmentedDetectionSet::crowded_ = nullptr;

TEST_F(AugmentedDetectionSet, ALoneObjectsBoxIsTheTightBoxOfTheLitPixels) {
  const std::vector<int64_t> ids = all_ids(*lone_);
  for (int64_t padding : {4, 24}) {
    int cut = 0, dropped = 0;
    for (int64_t epoch = 1; epoch <= 3; ++epoch) {
      Tensor inputs;
      std::vector<std::vector<LabeledBox>> truth;
      gather_detection_batch(*lone_, {true, padding}, ids.data(), lone_->size(), 9, epoch, inputs,
                             truth);
      ASSERT_EQ(inputs.shape(), (Shape{lone_->size(), 1, 64, 64}));
      for (int64_t i = 0; i < lone_->size(); ++i) {
        const std::optional<Box> lit = tight_box(inputs.data() + i * 4096, 64);
        if (!lit) {
          ASSERT_TRUE(truth[i].empty()) << i;
          ++dropped;
          continue;
        }
        ASSERT_EQ(truth[i].size(), 1u) << i;
        EXPECT_EQ(truth[i][0].class_id, lone_->objects[i][0].label);
        const Box& b = truth[i][0].box;  // fractions: exact multiples of 1/64
        const Box pixels{b.x1 * 64, b.y1 * 64, b.x2 * 64, b.y2 * 64};
        ASSERT_TRUE(same_box(pixels, *lit)) << "canvas " << i << " epoch " << epoch;
        const Box& before = lone_->objects[i][0].box;
        if (pixels.x2 - pixels.x1 < before.x2 - before.x1 ||
            pixels.y2 - pixels.y1 < before.y2 - before.y1)
          ++cut;
      }
    }
    EXPECT_GT(cut, 0) << padding;
    if (padding == 24) {
      EXPECT_GT(dropped, 0);
    }
  }
}

TEST_F(AugmentedDetectionSet, AFlipMirrorsEveryBox) {
  const std::vector<int64_t> ids = all_ids(*crowded_);
  Tensor inputs;
  std::vector<std::vector<LabeledBox>> truth;
  gather_detection_batch(*crowded_, {true, 0}, ids.data(), crowded_->size(), 9, 1, inputs, truth);
  int flipped = 0;
  for (int64_t i = 0; i < crowded_->size(); ++i) {
    const bool flip = draw_augmentation({true, 0}, 9, 1, i).flip;
    flipped += flip;
    const float* canvas = crowded_->inputs.data() + i * 4096;
    for (int64_t y = 0; y < 64; ++y)
      for (int64_t x = 0; x < 64; ++x)
        ASSERT_EQ(inputs[i * 4096 + y * 64 + x], canvas[y * 64 + (flip ? 63 - x : x)]);
    ASSERT_EQ(truth[i].size(), crowded_->objects[i].size());
    for (size_t k = 0; k < truth[i].size(); ++k) {
      const Box& o = crowded_->objects[i][k].box;
      const Box& b = truth[i][k].box;
      const Box expected = flip ? Box{64 - o.x2, o.y1, 64 - o.x1, o.y2} : o;
      EXPECT_TRUE(same_box(Box{b.x1 * 64, b.y1 * 64, b.x2 * 64, b.y2 * 64}, expected)) << i;
    }
  }
  EXPECT_GT(flipped, 30);
  EXPECT_LT(flipped, 70);
}

TEST_F(AugmentedDetectionSet, BatchesDependOnSeedEpochAndSampleOnly) {
  const std::vector<int64_t> ids = {7, 3, 42, 7};
  Tensor a, b, c;
  std::vector<std::vector<LabeledBox>> ta, tb, tc;
  gather_detection_batch(*crowded_, {true, 6}, ids.data(), 4, 9, 2, a, ta);
  gather_detection_batch(*crowded_, {true, 6}, ids.data() + 2, 1, 9, 2, b, tb);
  EXPECT_TRUE(std::equal(b.data(), b.data() + 4096, a.data() + 2 * 4096));
  EXPECT_EQ(ta[2].size(), tb[0].size());
  EXPECT_TRUE(std::equal(a.data(), a.data() + 4096, a.data() + 3 * 4096));  // id 7 twice
  gather_detection_batch(*crowded_, {true, 6}, ids.data(), 4, 9, 2, c, tc);
  EXPECT_TRUE(std::equal(a.data(), a.data() + a.size(), c.data()));
  for (size_t i = 0; i < ta.size(); ++i) {
    ASSERT_EQ(ta[i].size(), tc[i].size());
    for (size_t k = 0; k < ta[i].size(); ++k) EXPECT_TRUE(same_box(ta[i][k].box, tc[i][k].box));
  }
  gather_detection_batch(*crowded_, {true, 6}, ids.data(), 4, 9, 3, c, tc);
  EXPECT_FALSE(std::equal(a.data(), a.data() + a.size(), c.data()));
  gather_detection_batch(*crowded_, {true, 6}, ids.data(), 4, 10, 2, c, tc);
  EXPECT_FALSE(std::equal(a.data(), a.data() + a.size(), c.data()));
}

TEST_F(AugmentedDetectionSet, WithoutAugmentationTheBatchIsTheStoredCanvases) {
  const std::vector<int64_t> ids = {5, 1, 99};
  Tensor inputs;
  std::vector<std::vector<LabeledBox>> truth;
  gather_detection_batch(*crowded_, {}, ids.data(), 3, 9, 1, inputs, truth);
  for (int64_t i = 0; i < 3; ++i) {
    const float* canvas = crowded_->inputs.data() + ids[i] * 4096;
    EXPECT_TRUE(std::equal(canvas, canvas + 4096, inputs.data() + i * 4096));
    ASSERT_EQ(truth[i].size(), crowded_->objects[ids[i]].size());
    for (size_t k = 0; k < truth[i].size(); ++k) {
      const Box& o = crowded_->objects[ids[i]][k].box;
      EXPECT_TRUE(same_box(truth[i][k].box, Box{o.x1 / 64, o.y1 / 64, o.x2 / 64, o.y2 / 64}));
    }
  }
}

TEST(DetectionAugmentationOptions, TheSetTakesFlipAndCrop) {
  DatasetConfig config;
  config.name = "fmnist-detection";
  config.path = kFashionMnist;
  config.flip = true;
  config.crop_padding = 4;
  if (!std::filesystem::exists(kFashionMnist)) GTEST_SKIP();
  EXPECT_EQ(inspect_dataset(config).sample_shape, (Shape{1, 64, 64}));
}

}  // namespace
}  // namespace hpsweep::testing
