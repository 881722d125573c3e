#include <cmath>

#include "common/rng.h"
#include "worker/data/dataset.h"

namespace hpsweep {
namespace {

constexpr uint64_t kDataStream = 0x64617461;  // "data"

// Draws `count` samples: inputs[i] from `features_of(x_i)`, target = signal + noise.
template <typename Sample>
Dataset draw(int64_t count, int64_t features, Rng& rng, Sample sample) {
  Dataset set;
  set.inputs = Tensor({count, features});
  set.targets = Tensor({count, 1});
  for (int64_t n = 0; n < count; ++n)
    set.targets[n] = static_cast<float>(sample(set.inputs.data() + n * features, rng));
  return set;
}

}  // namespace

TrainTestData make_polynomial_data(int64_t features, uint64_t seed) {
  static constexpr double kWeights[] = {5.0, 1.2, -3.4, 5.6};  // on x^i / i!, i = 0..3
  Rng rng(counter_hash({seed, kDataStream, 1}));
  auto sample = [features](float* row, Rng& r) {
    const double x = r.normal();
    double y = 0, term = 1;  // term = x^i / i!
    for (int64_t i = 0; i < 20; ++i) {
      if (i > 0) term *= x / static_cast<double>(i);
      if (i < features) row[i] = static_cast<float>(term);
      if (i < 4) y += kWeights[i] * term;
    }
    return y + 0.1 * r.normal();
  };
  TrainTestData data{draw(100, features, rng, sample), draw(100, features, rng, sample)};
  return data;
}

TrainTestData make_linear_regression_data(int64_t features, uint64_t seed) {
  Rng rng(counter_hash({seed, kDataStream, 2}));
  auto sample = [features](float* row, Rng& r) {
    double y = 0.05;
    for (int64_t i = 0; i < features; ++i) {
      const double x = r.normal();
      row[i] = static_cast<float>(x);
      y += 0.01 * x;
    }
    return y + 0.01 * r.normal();
  };
  return {draw(20, features, rng, sample), draw(100, features, rng, sample)};
}

}  // namespace hpsweep
