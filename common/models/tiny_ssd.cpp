#include "common/models/tiny_ssd.h"

#include <cmath>

#include "common/model_types.h"
#include "common/models/network_writer.h"
#include "common/models/zoo_types.h"

namespace hpsweep {
namespace {

constexpr int64_t kBookWidth = 16;
constexpr int64_t kBaseBlocks = 3;

// Conv2d(in, out, 3) with its bias, then BatchNorm2d(out).
double conv_bn(double in, double out) {
  return in * out * 9 + out + 2 * out;
}

double predictors(double in, double anchors, double classes) {
  return in * anchors * (classes + 1) * 9 + anchors * (classes + 1) + in * anchors * 4 * 9 +
         anchors * 4;
}

}  // namespace

std::vector<int64_t> tiny_ssd_block_channels(const ModelConfig& config) {
  std::vector<int64_t> channels;
  for (int64_t book : {16, 32, 64}) channels.push_back(writer::scaled(book, config, kBookWidth));
  for (int64_t scale = 1; scale + 1 < config.depth; ++scale)
    channels.push_back(writer::scaled(128, config, kBookWidth));
  return channels;
}

int64_t tiny_ssd_scale_block(int64_t scale) {
  return kBaseBlocks - 1 + scale;
}

std::vector<std::vector<float>> tiny_ssd_anchor_sizes(const ModelConfig& config) {
  const double min = config.anchor_size_min, max = config.anchor_size_max;
  const int64_t scales = config.depth;
  const double step = scales > 1 ? (max - min) / static_cast<double>(scales - 1) : max - min;
  std::vector<std::vector<float>> sizes;
  for (int64_t k = 0; k < scales; ++k) {
    const double s = min + step * static_cast<double>(k);
    sizes.push_back({static_cast<float>(s), static_cast<float>(std::sqrt(s * (s + step)))});
  }
  return sizes;
}

std::vector<float> tiny_ssd_anchor_ratios(const ModelConfig& config) {
  return {1.0f, static_cast<float>(config.anchor_ratio),
          static_cast<float>(1 / config.anchor_ratio)};
}

int64_t tiny_ssd_anchors_per_pixel() {
  return 2 + 3 - 1;
}

double tiny_ssd_parameters(const ModelConfig& config, int64_t classes) {
  const double anchors = static_cast<double>(tiny_ssd_anchors_per_pixel());
  double total = 0, in = 1;  // the canvases' one channel
  const std::vector<int64_t> blocks = tiny_ssd_block_channels(config);
  for (size_t b = 0; b < blocks.size(); ++b) {
    const double out = static_cast<double>(blocks[b]);
    total += conv_bn(in, out) + conv_bn(out, out);
    in = out;
    // The base network's last block and every later one end a scale.
    if (b + 1 >= static_cast<size_t>(kBaseBlocks))
      total += predictors(in, anchors, static_cast<double>(classes));
  }
  if (config.depth > 1) total += predictors(in, anchors, static_cast<double>(classes));  // pool
  return total;
}

ModelType tiny_ssd_model_type() {
  return {.name = kTinySsdType,
          .width = kBookWidth,
          .depth = 5,
          .needs_images = true,
          .book_input_size = 256,
          .count_parameters = tiny_ssd_parameters};
}

}  // namespace hpsweep
