// Input checks and output shapes of the NCHW sliding-window layers (convolution, pooling).
// `layer` is the layer's PyTorch-style description, which every message starts with.
#pragma once

#include <string>

#include "common/tensor.h"
#include "worker/kernels/window2d.h"

namespace hpsweep {

std::string pair_string(Pair pair);  // "(5, 5)"

// Throws UserError unless the kernel and stride are positive and the padding is not negative;
// pooling also needs padding <= kernel / 2 (PyTorch's rule: every window then holds an input).
void check_window(const std::string& layer, const Window2d& window, bool pooling);

// Throws UserError unless input is [B, C, H, W].
void check_nchw(const std::string& layer, const Shape& input);

// (Ho, Wo) of the [B, C, H, W] input; throws UserError when the window is larger than the
// padded input.
Pair windowed_size(const std::string& layer, const Shape& input, const Window2d& window);

}  // namespace hpsweep
