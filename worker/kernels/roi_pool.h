// Region-of-interest max pooling (Fast R-CNN; d2l 14.8) over raw buffers, with
// torchvision.ops.roi_pool's rounding rules: a region [batch index, x1, y1, x2, y2] in input
// coordinates maps to the map's cells round(x1 * s) .. round(x2 * s) (s the spatial scale,
// rounding half away from zero, both ends included, at least one cell), that extent splits
// into pooled_height x pooled_width bins [floor(i * bin), ceil((i + 1) * bin)) clipped to the
// map, and each bin's maximum is the output; an empty bin gives 0.
#pragma once

#include <cstdint>

namespace hpsweep {

struct RoiPoolDims {
  int64_t batch, channels, height, width;  // the feature map, NCHW
  int64_t regions;
  int64_t pooled_height, pooled_width;
  float spatial_scale;
};

// x [batch, C, H, W], regions [regions, 5] -> y [regions, C, ph, pw]. argmax records, per
// output, the index within its input plane of the maximum (the first one on ties), or -1 for
// an empty bin. Region batch indices must lie in [0, batch).
void roi_pool_forward(const RoiPoolDims& d, const float* x, const float* regions, float* y,
                      int32_t* argmax);

// Writes every element of dx [batch, C, H, W]: each output's gradient goes to its maximum,
// summed where bins or regions share one.
void roi_pool_backward(const RoiPoolDims& d, const float* regions, const int32_t* argmax,
                       const float* dy, float* dx);

}  // namespace hpsweep
