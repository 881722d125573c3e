// Input size and augmentation: bilinear resizing against values worked out by hand, flips and
// padded crops of a tiny image for forced draws, draws that depend on the sample and not on its
// place in a batch, and evaluation inputs that are resized but never augmented.
#include <gtest/gtest.h>

#include <vector>

#include "common/error.h"
#include "common/rng.h"
#include "worker/data/augmentation.h"
#include "worker/data/dataset.h"
#include "worker/data/input_pipeline.h"
#include "worker/data/resize.h"

namespace hpsweep::testing {
namespace {

std::vector<float> resized(const std::vector<float>& image, int64_t in_h, int64_t in_w,
                           int64_t out_h, int64_t out_w) {
  std::vector<float> out(out_h * out_w);
  BilinearResize(in_h, in_w, out_h, out_w).apply(image.data(), out.data(), 1);
  return out;
}

TEST(Resize, TwoByTwoToFourByFourAsPyTorch) {
  // F.interpolate(x, size=4, mode='bilinear', align_corners=False): each axis samples the
  // input at -0.25 (clamped to 0), 0.25, 0.75 and 1.25 (the edge pixel repeats).
  const std::vector<float> expected = {1.00f, 1.25f, 1.75f, 2.00f,  //
                                       1.50f, 1.75f, 2.25f, 2.50f,  //
                                       2.50f, 2.75f, 3.25f, 3.50f,  //
                                       3.00f, 3.25f, 3.75f, 4.00f};
  EXPECT_EQ(resized({1, 2, 3, 4}, 2, 2, 4, 4), expected);
}

TEST(Resize, HalvingAveragesTwoByTwoBlocks) {
  // Output pixels sample the input at 0.5 and 2.5: the centres of the 2x2 blocks.
  std::vector<float> image(16);
  for (int i = 0; i < 16; ++i) image[i] = static_cast<float>(i);
  EXPECT_EQ(resized(image, 4, 4, 2, 2), (std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f}));
}

TEST(Resize, NonIntegerRatio) {
  // 3 -> 5: scale 0.6, samples at 0 (clamped), 0.4, 1.0, 1.6 and 2.2 (edge); rows stay one.
  const std::vector<float> out = resized({0, 10, 20}, 1, 3, 1, 5);
  const float expected[] = {0, 4, 10, 16, 20};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << i;
}

TEST(Resize, SameSizeIsTheIdentity) {
  std::vector<float> image(2 * 28 * 28);
  Rng rng(3);
  for (float& v : image) v = static_cast<float>(rng.uniform());
  std::vector<float> out(image.size());
  BilinearResize(28, 28, 28, 28).apply(image.data(), out.data(), 2);
  EXPECT_EQ(out, image);
}

// [[1 2 3]
//  [4 5 6]]
const std::vector<float> kImage = {1, 2, 3, 4, 5, 6};

std::vector<float> augmented(int64_t padding, AugmentDraw draw) {
  std::vector<float> out(6, -1.0f);
  augment_image(kImage.data(), out.data(), 1, 2, 3, padding, draw);
  return out;
}

TEST(Augment, FlipMirrorsRows) {
  EXPECT_EQ(augmented(0, {true, 0, 0}), (std::vector<float>{3, 2, 1, 6, 5, 4}));
  EXPECT_EQ(augmented(0, {false, 0, 0}), kImage);
}

TEST(Augment, CropOfThePaddedImage) {
  // Padded by 1: the crop's corner at (padding, padding) is the image itself.
  EXPECT_EQ(augmented(1, {false, 1, 1}), kImage);
  // Corner (0, 2): one row of padding above, the image shifted left by one.
  EXPECT_EQ(augmented(1, {false, 0, 2}), (std::vector<float>{0, 0, 0, 2, 3, 0}));
  // Corner (2, 0): shifted up by one, and right by one.
  EXPECT_EQ(augmented(1, {false, 2, 0}), (std::vector<float>{0, 4, 5, 0, 0, 0}));
  // Padding wider than the image: the crop may hold no pixel at all.
  EXPECT_EQ(augmented(4, {false, 0, 0}), (std::vector<float>(6, 0.0f)));
}

TEST(Augment, CropThenFlip) {
  // torchvision's RandomCrop then RandomHorizontalFlip: the padded row [0 1 2 3 0] cropped at
  // x = 2 is [2 3 0], flipped [0 3 2].
  EXPECT_EQ(augmented(1, {true, 0, 2}), (std::vector<float>{0, 0, 0, 0, 3, 2}));
  EXPECT_EQ(augmented(1, {true, 1, 0}), (std::vector<float>{2, 1, 0, 5, 4, 0}));
}

TEST(Augment, DrawsAreAFunctionOfSeedEpochAndSample) {
  const AugmentOptions options{true, 4};
  int flips = 0, epoch_changes = 0, seed_changes = 0;
  std::vector<int> corner_counts(9);
  const int samples = 20000;
  for (int id = 0; id < samples; ++id) {
    const AugmentDraw d = draw_augmentation(options, 7, 2, id);
    const AugmentDraw again = draw_augmentation(options, 7, 2, id);
    ASSERT_EQ(d.flip, again.flip);
    ASSERT_EQ(d.crop_y, again.crop_y);
    ASSERT_EQ(d.crop_x, again.crop_x);
    ASSERT_GE(d.crop_y, 0);
    ASSERT_LE(d.crop_y, 8);
    flips += d.flip;
    ++corner_counts[d.crop_x];
    const AugmentDraw next_epoch = draw_augmentation(options, 7, 3, id);
    epoch_changes += next_epoch.flip != d.flip || next_epoch.crop_x != d.crop_x;
    const AugmentDraw other_seed = draw_augmentation(options, 8, 2, id);
    seed_changes += other_seed.flip != d.flip || other_seed.crop_x != d.crop_x;
  }
  EXPECT_NEAR(flips, samples / 2, 300) << "about half are flipped";  // 4 standard deviations
  for (int count : corner_counts) EXPECT_NEAR(count, samples / 9, 250);
  EXPECT_GT(epoch_changes, samples / 2);
  EXPECT_GT(seed_changes, samples / 2);
}

TEST(Augment, DisabledOptionsDrawNothing) {
  for (int id = 0; id < 100; ++id) {
    const AugmentDraw d = draw_augmentation({false, 0}, 7, 1, id);
    EXPECT_FALSE(d.flip);
    EXPECT_EQ(d.crop_y, 0);
    EXPECT_EQ(d.crop_x, 0);
  }
  // Turning the crop on keeps each sample's flip.
  for (int id = 0; id < 100; ++id)
    EXPECT_EQ(draw_augmentation({true, 0}, 7, 1, id).flip,
              draw_augmentation({true, 3}, 7, 1, id).flip);
}

DatasetConfig image_config(int64_t input_size, bool flip, int64_t crop_padding) {
  DatasetConfig config;
  config.input_size = input_size;
  config.flip = flip;
  config.crop_padding = crop_padding;
  return config;
}

Tensor random_images(int64_t count, int64_t size) {
  Tensor images({count, 1, size, size});
  Rng rng(5);
  for (int64_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(rng.uniform());
  return images;
}

TEST(InputPipeline, ASamplesInputDoesNotDependOnItsBatchRow) {
  const Tensor images = random_images(10, 12);
  InputPipeline pipeline(image_config(20, true, 3), {1, 12, 12});
  EXPECT_EQ(pipeline.sample_shape(), (Shape{1, 20, 20}));
  const int64_t batch_a[] = {4, 9, 2}, batch_b[] = {2, 7, 4};
  Tensor a, b;
  pipeline.gather_training(images, batch_a, 3, 11, 1, a);
  pipeline.gather_training(images, batch_b, 3, 11, 1, b);
  EXPECT_EQ(a.shape(), (Shape{3, 1, 20, 20}));
  const int64_t n = 400;
  // Sample 4: row 0 of a, row 2 of b; sample 2: row 2 of a, row 0 of b.
  EXPECT_TRUE(std::equal(a.data(), a.data() + n, b.data() + 2 * n));
  EXPECT_TRUE(std::equal(a.data() + 2 * n, a.data() + 3 * n, b.data()));
  // Another epoch augments differently.
  Tensor c;
  pipeline.gather_training(images, batch_a, 3, 11, 2, c);
  EXPECT_FALSE(std::equal(a.data(), a.data() + a.size(), c.data()));
}

TEST(InputPipeline, TrainingInputsAreTheResizedImagesAugmented) {
  const Tensor images = random_images(3, 12);
  const DatasetConfig config = image_config(20, true, 3);
  InputPipeline pipeline(config, {1, 12, 12});
  const int64_t ids[] = {1, 2};
  Tensor batch;
  pipeline.gather_training(images, ids, 2, 11, 4, batch);
  std::vector<float> resized(400), expected(400);
  BilinearResize resize(12, 12, 20, 20);
  for (int row = 0; row < 2; ++row) {
    resize.apply(images.data() + ids[row] * 144, resized.data(), 1);
    augment_image(resized.data(), expected.data(), 1, 20, 20, 3,
                  draw_augmentation({true, 3}, 11, 4, ids[row]));
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), batch.data() + row * 400)) << row;
  }
}

TEST(InputPipeline, EvaluationIsResizedButNeverAugmented) {
  const Tensor images = random_images(6, 12);
  InputPipeline pipeline(image_config(20, true, 3), {1, 12, 12});
  const Tensor rows = pipeline.evaluation_rows(images, 2, 5);
  ASSERT_EQ(rows.shape(), (Shape{3, 1, 20, 20}));
  std::vector<float> expected(400);
  BilinearResize resize(12, 12, 20, 20);
  for (int row = 0; row < 3; ++row) {
    resize.apply(images.data() + (2 + row) * 144, expected.data(), 1);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), rows.data() + row * 400)) << row;
  }
  // At the native size evaluation reads the stored images themselves.
  InputPipeline native(image_config(0, true, 3), {1, 12, 12});
  EXPECT_EQ(native.evaluation_rows(images, 2, 5).data(), images.data() + 2 * 144);
}

TEST(InputPipeline, WithoutOptionsInputsAreTheStoredSamples) {
  const Tensor images = random_images(4, 12);
  InputPipeline pipeline(image_config(12, false, 0), {1, 12, 12});
  const int64_t ids[] = {3, 0};
  Tensor batch;
  pipeline.gather_training(images, ids, 2, 1, 1, batch);
  EXPECT_TRUE(std::equal(images.data() + 3 * 144, images.data() + 4 * 144, batch.data()));
  EXPECT_TRUE(std::equal(images.data(), images.data() + 144, batch.data() + 144));
}

TEST(InputShape, ResizesImagesAndRejectsImageOptionsForOtherSets) {
  EXPECT_EQ(input_shape(image_config(96, false, 0), {1, 28, 28}), (Shape{1, 96, 96}));
  EXPECT_EQ(input_shape(image_config(0, true, 4), {1, 28, 28}), (Shape{1, 28, 28}));
  DatasetConfig polynomial = image_config(0, false, 2);
  polynomial.name = "polynomial";
  try {
    inspect_dataset(polynomial);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "dataset.crop_padding: applies to fashion-mnist or fmnist-detection images only, "
                 "not the polynomial set");
  }
}

}  // namespace
}  // namespace hpsweep::testing
