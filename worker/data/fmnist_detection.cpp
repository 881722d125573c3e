// The fmnist-detection set: training canvases pasted from Fashion-MNIST's training images,
// test canvases from its test images (worker/data/detection_canvas.h, docs/detection.md).
#include <string>

#include "common/error.h"
#include "worker/data/dataset.h"
#include "worker/data/detection_canvas.h"

namespace hpsweep {
namespace {

// Keys whose meaning for canvases with boxes is not built yet: the holdout and class subsets
// pick samples by a single label. (flip and crop_padding move the boxes with the pixels:
// worker/data/detection_augmentation.h.)
void check_supported_keys(const DatasetConfig& config) {
  const char* key = !config.classes.empty()      ? "dataset.classes"
                    : config.train_per_class > 0 ? "dataset.train_per_class"
                    : config.validation > 0      ? "dataset.validation"
                    : config.kfold > 0           ? "dataset.kfold"
                                                 : nullptr;
  if (key)
    throw UserError(std::string(key) + ": not available for the " + config.name + " set yet");
  if (config.input_size > 0 && config.input_size < kMinCanvasSize)
    throw UserError("dataset.input_size: the " + config.name + " set's canvases need at least " +
                    std::to_string(kMinCanvasSize) + " pixels, got " +
                    std::to_string(config.input_size));
}

Dataset draw_canvases(const Dataset& items, const DatasetConfig& config, CanvasSplit split,
                      int64_t count) {
  const CanvasRules rules = canvas_rules(config);
  const int64_t pixels = rules.size * rules.size;
  Dataset set;
  set.classes = items.classes;
  set.inputs = Tensor({count, 1, rules.size, rules.size});
  set.objects.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    Canvas canvas = draw_canvas(items, static_cast<uint64_t>(config.seed), split, i, rules);
    std::copy(canvas.pixels.begin(), canvas.pixels.end(), set.inputs.data() + i * pixels);
    set.objects.push_back(std::move(canvas.objects));
  }
  return set;
}

}  // namespace

// As many canvases as the split has images unless the subsets say otherwise.
DatasetShape inspect_fmnist_detection(const DatasetConfig& config) {
  check_supported_keys(config);
  const DatasetShape items = inspect_fashion_mnist(config.path);
  const int64_t size = canvas_rules(config).size;
  return {config.train_subset > 0 ? config.train_subset : items.train_size,
          config.test_subset > 0 ? config.test_subset : items.test_size,
          {1, size, size},
          items.classes};
}

TrainTestData make_fmnist_detection(const DatasetConfig& config) {
  const DatasetShape shape = inspect_fmnist_detection(config);
  const TrainTestData items = load_fashion_mnist(config.path);
  return {draw_canvases(items.train, config, CanvasSplit::train, shape.train_size),
          draw_canvases(items.test, config, CanvasSplit::test, shape.test_size)};
}

}  // namespace hpsweep
