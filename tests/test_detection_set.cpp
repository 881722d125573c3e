// The fmnist-detection set (docs/detection.md, "The fmnist-detection set"): canvases, boxes
// and labels against the Fashion-MNIST images they are pasted from, determinism, and the
// options and specs it refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "common/spec.h"
#include "worker/data/dataset.h"
#include "worker/data/detection_canvas.h"
#include "worker/data/resize.h"

namespace hpsweep::testing {
namespace {

const std::string kFashionMnist = "/usr/share/datasets/fashion-mnist";

DatasetConfig detection_config(int64_t train, int64_t test, int64_t max_objects = 0) {
  DatasetConfig config;
  config.name = "fmnist-detection";
  config.train_subset = train;
  config.test_subset = test;
  config.max_objects = max_objects;
  config.seed = 5;
  return config;
}

// Loaded once: reading Fashion-MNIST dominates these tests.
class DetectionSet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kFashionMnist)) return;
    items_ = new TrainTestData(load_fashion_mnist(kFashionMnist));
    data_ = new TrainTestData(make_fmnist_detection(detection_config(400, 200)));
  }
  static void TearDownTestSuite() {
    delete items_;
    delete data_;
  }
  void SetUp() override {
    if (!items_) GTEST_SKIP() << kFashionMnist << " missing (dataset-fashion-mnist)";
  }
  static const float* pixels(const Dataset& set, int64_t i) {
    return set.inputs.data() + i * 64 * 64;
  }
  static TrainTestData* items_;
  static TrainTestData* data_;
};
TrainTestData* DetectionSet::items_ = nullptr;
TrainTestData* DetectionSet::data_ = nullptr;

// The tight box of the pixels > 0 of a side x side image, in pixel corners.
Box tight_box(const float* image, int64_t side) {
  int64_t x1 = side, y1 = side, x2 = -1, y2 = -1;
  for (int64_t r = 0; r < side; ++r)
    for (int64_t c = 0; c < side; ++c)
      if (image[r * side + c] > 0) {
        x1 = std::min(x1, c), y1 = std::min(y1, r), x2 = std::max(x2, c), y2 = std::max(y2, r);
      }
  return {float(x1), float(y1), float(x2 + 1), float(y2 + 1)};
}

bool same_box(const Box& a, const Box& b) {
  return a.x1 == b.x1 && a.y1 == b.y1 && a.x2 == b.x2 && a.y2 == b.y2;
}

// Whether `canvas` ([64, 64], one object with box `box`) is `item` resized to some side in
// [16, 32] and pasted: the crops of their tight boxes agree pixel for pixel.
bool shows_item(const float* canvas, const Box& box, const Dataset& items, int64_t source) {
  for (int64_t side = 16; side <= 32; ++side) {
    std::vector<float> resized(side * side);
    BilinearResize(28, 28, side, side).apply(items.inputs.data() + source * 784, resized.data(), 1);
    const Box own = tight_box(resized.data(), side);
    if (own.x2 - own.x1 != box.x2 - box.x1 || own.y2 - own.y1 != box.y2 - box.y1) continue;
    bool same = true;
    for (int64_t r = 0; same && r < box.y2 - box.y1; ++r)
      for (int64_t c = 0; same && c < box.x2 - box.x1; ++c)
        same = canvas[int64_t(box.y1 + r) * 64 + int64_t(box.x1 + c)] ==
               resized[int64_t(own.y1 + r) * side + int64_t(own.x1 + c)];
    if (same) return true;
  }
  return false;
}

TEST_F(DetectionSet, ShapesAndCountsFollowTheSubsets) {
  EXPECT_EQ(data_->train.inputs.shape(), (Shape{400, 1, 64, 64}));
  EXPECT_EQ(data_->test.inputs.shape(), (Shape{200, 1, 64, 64}));
  EXPECT_EQ(data_->train.objects.size(), 400u);
  EXPECT_EQ(data_->test.objects.size(), 200u);
  EXPECT_TRUE(data_->train.labels.empty());
  const DatasetShape shape = inspect_dataset(detection_config(0, 0));
  EXPECT_EQ(shape.train_size, 60000);
  EXPECT_EQ(shape.test_size, 10000);
  EXPECT_EQ(shape.sample_shape, (Shape{1, 64, 64}));
  EXPECT_EQ(shape.classes, 10);
}

TEST_F(DetectionSet, EachCanvasHoldsOneToMaxObjectsAndEveryCountOccurs) {
  std::vector<int> seen(4, 0);
  for (const Dataset* set : {&data_->train, &data_->test})
    for (const std::vector<DetectionObject>& objects : set->objects) {
      ASSERT_GE(objects.size(), 1u);
      ASSERT_LE(objects.size(), 3u);
      ++seen[objects.size()];
    }
  EXPECT_GT(seen[1], 0);
  EXPECT_GT(seen[2], 0);
  EXPECT_GT(seen[3], 0);
  const TrainTestData five = make_fmnist_detection(detection_config(200, 1, 5));
  size_t most = 0;
  for (const auto& objects : five.train.objects) most = std::max(most, objects.size());
  EXPECT_EQ(most, 5u);
}

// With one object the canvas's non-zero pixels are the item's: the box is exactly their box.
TEST_F(DetectionSet, ALoneObjectsBoxIsTheTightBoxOfTheCanvas) {
  const TrainTestData single = make_fmnist_detection(detection_config(100, 100, 1));
  for (const Dataset* set : {&single.train, &single.test})
    for (int64_t i = 0; i < set->size(); ++i) {
      ASSERT_EQ(set->objects[i].size(), 1u);
      const Box& box = set->objects[i][0].box;
      EXPECT_TRUE(same_box(box, tight_box(pixels(*set, i), 64)))
          << i << ": " << box.x1 << " " << box.y1 << " " << box.x2 << " " << box.y2;
      EXPECT_GE(box.x2 - box.x1, 1);
      EXPECT_LE(box.x2 - box.x1, 32);
    }
}

// Several objects: boxes inside the canvas, each edge of a box touching a non-zero pixel, and
// every non-zero pixel inside some box.
TEST_F(DetectionSet, BoxesAreInsideTheCanvasTightAndCoverEveryLitPixel) {
  for (const Dataset* set : {&data_->train, &data_->test})
    for (int64_t i = 0; i < set->size(); ++i) {
      const float* canvas = pixels(*set, i);
      const auto lit = [&](float x, float y) { return canvas[int64_t(y) * 64 + int64_t(x)] > 0; };
      for (const DetectionObject& o : set->objects[i]) {
        const Box& b = o.box;
        ASSERT_TRUE(b.x1 >= 0 && b.y1 >= 0 && b.x1 < b.x2 && b.y1 < b.y2 && b.x2 <= 64 &&
                    b.y2 <= 64);
        bool left = false, right = false, top = false, bottom = false;
        for (float y = b.y1; y < b.y2; ++y) left |= lit(b.x1, y), right |= lit(b.x2 - 1, y);
        for (float x = b.x1; x < b.x2; ++x) top |= lit(x, b.y1), bottom |= lit(x, b.y2 - 1);
        EXPECT_TRUE(left && right && top && bottom) << "canvas " << i;
      }
      for (int64_t y = 0; y < 64; ++y)
        for (int64_t x = 0; x < 64; ++x) {
          if (canvas[y * 64 + x] <= 0) continue;
          const bool boxed = std::any_of(
              set->objects[i].begin(), set->objects[i].end(), [&](const DetectionObject& o) {
                return x >= o.box.x1 && x < o.box.x2 && y >= o.box.y1 && y < o.box.y2;
              });
          ASSERT_TRUE(boxed) << "canvas " << i << " pixel " << x << ", " << y;
        }
    }
}

TEST_F(DetectionSet, LabelsAreThoseOfThePastedImagesOfTheSameSplit) {
  for (const auto& objects : data_->train.objects)
    for (const DetectionObject& o : objects) {
      ASSERT_LT(o.source, items_->train.size());
      EXPECT_EQ(o.label, items_->train.labels[o.source]);
    }
  for (const auto& objects : data_->test.objects)
    for (const DetectionObject& o : objects) {
      ASSERT_LT(o.source, items_->test.size());
      EXPECT_EQ(o.label, items_->test.labels[o.source]);
    }
}

// The pixels say which image was pasted: test canvases show test images, training canvases
// training images (the same index of the other split is another picture).
TEST_F(DetectionSet, CanvasesShowImagesOfTheirOwnSplit) {
  const TrainTestData single = make_fmnist_detection(detection_config(20, 20, 1));
  for (int64_t i = 0; i < 20; ++i) {
    const DetectionObject& test_object = single.test.objects[i][0];
    EXPECT_TRUE(
        shows_item(pixels(single.test, i), test_object.box, items_->test, test_object.source))
        << i;
    EXPECT_FALSE(
        shows_item(pixels(single.test, i), test_object.box, items_->train, test_object.source))
        << i;
    const DetectionObject& train_object = single.train.objects[i][0];
    EXPECT_TRUE(
        shows_item(pixels(single.train, i), train_object.box, items_->train, train_object.source))
        << i;
  }
}

TEST_F(DetectionSet, ACanvasIsAPureFunctionOfSeedSplitAndIndex) {
  const TrainTestData again = make_fmnist_detection(detection_config(50, 20));
  const int64_t canvas_floats = 50 * 64 * 64;
  EXPECT_TRUE(std::equal(again.train.inputs.data(), again.train.inputs.data() + canvas_floats,
                         data_->train.inputs.data()));
  for (int64_t i = 0; i < 50; ++i)
    for (size_t k = 0; k < again.train.objects[i].size(); ++k)
      EXPECT_TRUE(same_box(again.train.objects[i][k].box, data_->train.objects[i][k].box));
  const Canvas alone = draw_canvas(items_->train, 5, CanvasSplit::train, 123, CanvasRules{});
  EXPECT_TRUE(std::equal(alone.pixels.begin(), alone.pixels.end(), pixels(data_->train, 123)));

  DatasetConfig other = detection_config(50, 1);
  other.seed = 6;
  const TrainTestData reseeded = make_fmnist_detection(other);
  EXPECT_FALSE(std::equal(reseeded.train.inputs.data(),
                          reseeded.train.inputs.data() + canvas_floats,
                          data_->train.inputs.data()));
  for (int64_t i = 1; i < 50; ++i)
    EXPECT_FALSE(std::equal(pixels(data_->train, i), pixels(data_->train, i) + 64 * 64,
                            pixels(data_->train, i - 1)))
        << i;
  const Canvas test_twin = draw_canvas(items_->train, 5, CanvasSplit::test, 123, CanvasRules{});
  EXPECT_FALSE(std::equal(test_twin.pixels.begin(), test_twin.pixels.end(), alone.pixels.begin()));
}

TEST_F(DetectionSet, TheCanvasSideFollowsInputSize) {
  DatasetConfig config = detection_config(30, 1, 1);
  config.input_size = 32;
  const TrainTestData small = make_fmnist_detection(config);
  EXPECT_EQ(small.train.inputs.shape(), (Shape{30, 1, 32, 32}));
  for (const auto& objects : small.train.objects) {
    EXPECT_LE(objects[0].box.x2, 32);
    EXPECT_LE(objects[0].box.x2 - objects[0].box.x1, 16);
  }
}

// An item that is blank at its drawn size is drawn again: no object without pixels.
TEST(DetectionCanvas, BlankItemsAreDrawnAgain) {
  Dataset items;
  items.classes = 10;
  items.inputs = Tensor({2, 1, 28, 28});
  for (int64_t p = 0; p < 784; ++p) items.inputs[784 + p] = 0.5f;  // item 1 lit, item 0 blank
  items.labels = {3, 7};
  for (int64_t index = 0; index < 20; ++index) {
    const Canvas canvas = draw_canvas(items, 1, CanvasSplit::train, index, {64, 4});
    for (const DetectionObject& o : canvas.objects) {
      EXPECT_EQ(o.source, 1);
      EXPECT_EQ(o.label, 7);
    }
  }
  items.inputs = Tensor({2, 1, 28, 28});
  EXPECT_THROW(draw_canvas(items, 1, CanvasSplit::train, 0, {64, 4}), UserError);
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DetectionSetOptions, KeysTheSetCannotHonourAreNamed) {
  DatasetConfig classes = detection_config(10, 10);
  classes.classes = {1, 2};
  EXPECT_EQ(error_of([&] { inspect_dataset(classes); }),
            "dataset.classes: not available for the fmnist-detection set yet");
  DatasetConfig tiny = detection_config(10, 10);
  tiny.input_size = 8;
  EXPECT_EQ(error_of([&] { inspect_dataset(tiny); }),
            "dataset.input_size: the fmnist-detection set's canvases need at least 16 pixels, "
            "got 8");
  DatasetConfig fashion;
  fashion.max_objects = 2;
  EXPECT_EQ(error_of([&] { inspect_dataset(fashion); }),
            "dataset.max_objects: applies to detection sets only, not the fashion-mnist set");
}

TEST(DetectionSetSpec, AClassifierOnADetectionSetIsRefusedAtLoad) {
  EXPECT_EQ(
      error_of([] { parse_spec("method: grid\ndataset: {name: fmnist-detection}\n", "s.yaml"); }),
      "s.yaml:2:17: dataset.name: fmnist-detection needs a detector (model.type tiny-ssd), "
      "got model.type mlp");
  EXPECT_EQ(error_of([] {
              parse_spec(
                  "method: grid\nmodel: {type: simulated}\nparameters:\n"
                  "  dataset.name: {values: [fashion-mnist, fmnist-detection]}\n"
                  "  model.type: {values: [simulated, lenet]}\n",
                  "s.yaml");
            }),
            "s.yaml:4:17: dataset.name: fmnist-detection needs a detector (model.type tiny-ssd), "
            "got model.type lenet");
  EXPECT_EQ(error_of([] { parse_spec("method: grid\nmodel: {type: tiny-ssd}\n", "s.yaml"); }),
            "s.yaml:2:15: model.type: tiny-ssd needs a detection set (dataset.name "
            "fmnist-detection), got fashion-mnist");
  EXPECT_EQ(error_of([] {
              parse_spec(
                  "method: grid\nmodel: {type: simulated}\n"
                  "metric: {name: test_map50, goal: maximize}\n",
                  "s.yaml");
            }),
            "s.yaml:3:9: metric.name: test_map50 needs a detector on a detection set "
            "(fmnist-detection)");
  EXPECT_EQ(error_of([] {
              parse_spec("method: grid\nmodel: {type: lenet, anchor_ratio: 3}\n", "s.yaml");
            }),
            "s.yaml:2:36: model.anchor_ratio: applies to model.type tiny-ssd only, got lenet");
  EXPECT_EQ(error_of([] {
              parse_spec(
                  "method: grid\nmodel: {type: tiny-ssd, anchor_ratio: 0.5}\n"
                  "dataset: {name: fmnist-detection}\n",
                  "s.yaml");
            }),
            "s.yaml:2:39: model.anchor_ratio: must be >= 1, got 0.5");
  const SweepSpec detector = parse_spec(
      "method: grid\nmodel: {type: tiny-ssd, anchor_size_min: 0.3}\n"
      "dataset: {name: fmnist-detection}\nmetric: {name: test_map50, goal: maximize}\n",
      "s.yaml");
  EXPECT_FALSE(detector.metric.minimize);
  EXPECT_EQ(detector.base.model.anchor_size_min, 0.3);
  const SweepSpec simulated = parse_spec(
      "method: grid\nmodel: {type: simulated}\ndataset: {name: fmnist-detection, max_objects: 4}\n",
      "s.yaml");
  EXPECT_EQ(simulated.base.dataset.max_objects, 4);
  EXPECT_EQ(error_of([] {
              parse_spec("method: grid\nmodel: {type: simulated}\ndataset: {max_objects: 17}\n",
                         "s.yaml");
            }),
            "s.yaml:3:24: dataset.max_objects: must be <= 16, got 17");
}

}  // namespace
}  // namespace hpsweep::testing
