#include "worker/simulated_curve.h"

#include <cmath>

#include "common/rng.h"

namespace hpsweep {
namespace {

constexpr uint64_t kCurveStream = 0x63757276;  // "curv"

uint64_t text_hash(const std::string& text) {
  uint64_t h = 0;
  for (unsigned char c : text) h = counter_hash({h, c});
  return h;
}

}  // namespace

CurveModel hashed_curves(uint64_t seed) {
  return [seed](const std::vector<SweptValue>& values) {
    Rng rng(counter_hash({seed, kCurveStream, text_hash(hyperparameters_text(values))}));
    const double quality = rng.uniform();  // 0 best
    CurveShape shape;
    shape.floor = 0.08 + 0.3 * quality;
    shape.rate = 0.05 + 0.6 * (0.7 * (1 - quality) + 0.3 * rng.uniform());
    return shape;
  };
}

double next_error(const CurveShape& shape, double previous) {
  return static_cast<float>(shape.floor + (previous - shape.floor) * std::exp(-shape.rate));
}

}  // namespace hpsweep
