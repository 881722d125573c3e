// d2l 14.7's TinySSD as `tiny-ssd`, the one plan its builder (worker/models/tiny_ssd.cpp), the
// limits' count and `describe` share. Depth is the number of scales (the book's 5): scale 0 is
// the base network of three down-sampling blocks (16, 32, 64 channels), scales 1..depth-2 one
// down-sampling block of 128 channels each, and the last a global max pool. Width scales every
// channel count (the book's 16: the base network's first block). Each scale has a class and a
// box predictor (3x3 convs, padding 1) with anchors_per_pixel anchors per pixel.
#pragma once

#include <cstdint>
#include <vector>

#include "common/trial_config.h"

namespace hpsweep {

inline constexpr const char* kTinySsdType = "tiny-ssd";

// The output channels of each down-sampling block (conv3x3-BN-ReLU twice, then a 2x2 max
// pool), in forward order: the base network's three, then one per middle scale.
std::vector<int64_t> tiny_ssd_block_channels(const ModelConfig& config);
// The index of the block that ends each scale but the last (the pool's): 2 for the base
// network, then 3, 4, ...
int64_t tiny_ssd_scale_block(int64_t scale);

// Each scale's two anchor sizes: scale k of n has s_k = min + (max - min) k / (n - 1) and
// sqrt(s_k * s_(k+1)), s_n continuing the spread (one scale: min and sqrt(min * max)), with
// min and max model.anchor_size_min and _max. The book's 0.2 and 0.88 over 5 scales give its
// 0.2, 0.272; 0.37, 0.447; ...; 0.88, 0.961.
std::vector<std::vector<float>> tiny_ssd_anchor_sizes(const ModelConfig& config);
// 1, model.anchor_ratio and its inverse (the book's 1, 2, 0.5) at every scale.
std::vector<float> tiny_ssd_anchor_ratios(const ModelConfig& config);
// Two sizes and three ratios: 2 + 3 - 1 (the book's 4).
int64_t tiny_ssd_anchors_per_pixel();

// Parameters of `config` (defaults applied) for `classes` object classes.
double tiny_ssd_parameters(const ModelConfig& config, int64_t classes);

}  // namespace hpsweep
