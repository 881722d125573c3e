// RoI pooling against d2l 14.8's example, hand-worked cases of torchvision's rounding rules,
// and finite differences. torchvision.ops.roi_pool agrees on random inputs, forward and
// backward, in tests/interop/detection_ops.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "common/rng.h"
#include "support/gradient_check.h"
#include "worker/detection/roi_pool_op.h"

namespace hpsweep::testing {
namespace {

Tensor tensor(const Shape& shape, const std::vector<float>& values) {
  Tensor t(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor iota_map(const Shape& shape) {
  Tensor t(shape);
  std::iota(t.data(), t.data() + t.size(), 0.0f);
  return t;
}

std::vector<float> values(const Tensor& t) {
  return {t.data(), t.data() + t.size()};
}

TEST(RoiPool, TheBooksExample) {
  // A 4 x 4 map of 0..15 is the features of a 40 x 40 image (scale 0.1).
  RoiPool pool(2, 2, 0.1f);
  const Tensor regions = tensor({2, 5}, {0, 0, 0, 20, 20, 0, 0, 10, 30, 30});
  const Tensor& y = pool.forward(iota_map({1, 1, 4, 4}), regions);
  EXPECT_EQ(y.shape(), (Shape{2, 1, 2, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{5, 6, 9, 10, 9, 11, 13, 15}));
  EXPECT_EQ(pool.description(), "RoIPool(output_size=(2, 2), spatial_scale=0.1)");
}

TEST(RoiPool, GradientsGoToEachBinsMaximumAndAddUp) {
  RoiPool pool(2, 2, 0.1f);
  pool.forward(iota_map({1, 1, 4, 4}), tensor({2, 5}, {0, 0, 0, 20, 20, 0, 0, 10, 30, 30}));
  Tensor dy({2, 1, 2, 2});
  dy.fill(1);
  // Both regions pool cell 9.
  EXPECT_EQ(values(pool.backward(dy)),
            (std::vector<float>{0, 0, 0, 0, 0, 1, 1, 0, 0, 2, 1, 1, 0, 1, 0, 1}));
}

TEST(RoiPool, CoordinatesRoundHalfAwayFromZero) {
  // x1 = 5 and x2 = 9 at scale 0.5 are 2.5 and 4.5: cells 3..5; y1 = 0, y2 = 2: rows 0..1.
  RoiPool pool(1, 3, 0.5f);
  const Tensor& y = pool.forward(iota_map({1, 1, 4, 8}), tensor({1, 5}, {0, 5, 0, 9, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{11, 12, 13}));
}

TEST(RoiPool, BinsOutsideTheMapAreEmptyAndGiveZero) {
  // Cells 3..7 of a 4-wide map in 2 bins of 2.5: [3, 6) clips to [3, 4), [5, 8) to nothing.
  RoiPool pool(2, 2, 1);
  const Tensor& y = pool.forward(iota_map({1, 1, 4, 4}), tensor({1, 5}, {0, 3, 3, 7, 7}));
  EXPECT_EQ(values(y), (std::vector<float>{15, 0, 0, 0}));
  Tensor dy({1, 1, 2, 2});
  dy.fill(1);
  const std::vector<float> dx = values(pool.backward(dy));
  EXPECT_EQ(std::accumulate(dx.begin(), dx.end(), 0.0f), 1) << "empty bins pass nothing back";
  EXPECT_EQ(dx[15], 1);
}

TEST(RoiPool, SwappedCornersPoolOneCell) {
  RoiPool pool(1, 1, 1);
  const Tensor& y = pool.forward(iota_map({1, 1, 4, 4}), tensor({1, 5}, {0, 2, 1, 0, 0}));
  EXPECT_EQ(values(y), (std::vector<float>{6}));  // row 1, column 2
}

TEST(RoiPool, RegionsReadTheirOwnImageAndEveryChannel) {
  RoiPool pool(1, 1, 1);
  const Tensor& y = pool.forward(iota_map({2, 2, 2, 2}), tensor({1, 5}, {1, 0, 0, 0, 0}));
  EXPECT_EQ(values(y), (std::vector<float>{8, 12}));  // cell (0, 0) of image 1, channels 0, 1
}

TEST(RoiPool, ABatchIndexOutsideTheBatchIsAnError) {
  RoiPool pool(2, 2, 1);
  EXPECT_THROW(pool.forward(iota_map({1, 1, 4, 4}), tensor({1, 5}, {1, 0, 0, 3, 3})),
               std::invalid_argument);
  EXPECT_THROW(RoiPool(0, 2, 1), std::invalid_argument);
}

TEST(RoiPool, GradientMatchesFiniteDifferences) {
  // Max pooling is differentiable away from ties: distinct values 0.05 apart, so no step of
  // the check (1e-2) changes a bin's maximum. Overlapping regions, bins of uneven sizes, an
  // empty bin and both images.
  Tensor x({2, 3, 6, 7});
  std::vector<float> levels(x.size());
  std::iota(levels.begin(), levels.end(), 0.0f);
  Rng rng(5);
  for (size_t i = levels.size() - 1; i > 0; --i) std::swap(levels[i], levels[rng.below(i + 1)]);
  for (int64_t i = 0; i < x.size(); ++i) x[i] = levels[i] * 0.05f - 6;
  const Tensor regions = tensor({4, 5}, {0, 0,  0, 13, 11,  //
                                         1, 4,  2, 12, 12,  //
                                         0, 2,  3, 9,  9,   //
                                         1, 10, 8, 20, 20});
  RoiPool pool(3, 2, 0.5f);
  const Tensor weights = random_tensor(pool.output_shape(x.shape(), regions.shape()), 7);
  auto loss = [&] {
    const Tensor& y = pool.forward(x, regions);
    double total = 0;
    for (int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
    return total;
  };
  loss();
  const Tensor dx = pool.backward(weights).clone();
  expect_gradient_matches("RoIPool input", x, dx, loss);
}

}  // namespace
}  // namespace hpsweep::testing
