#include "worker/layers/window_shape.h"

#include "common/error.h"

namespace hpsweep {

std::string pair_string(Pair pair) {
  // Appends rather than "(" + ..., which trips GCC 12's false -Wrestrict warning.
  std::string text = "(";
  text += std::to_string(pair.h);
  text += ", ";
  text += std::to_string(pair.w);
  return text + ")";
}

void check_window(const std::string& layer, const Window2d& window, bool pooling) {
  const Pair& k = window.kernel;
  const Pair& s = window.stride;
  const Pair& p = window.padding;
  if (k.h < 1 || k.w < 1 || s.h < 1 || s.w < 1 || p.h < 0 || p.w < 0)
    throw UserError(layer + ": kernel and stride must be positive and padding not negative");
  if (pooling && (2 * p.h > k.h || 2 * p.w > k.w))
    throw UserError(layer + ": padding must be at most half the kernel size");
}

void check_nchw(const std::string& layer, const Shape& input) {
  if (input.size() != 4)
    throw UserError(layer + " got input " + shape_string(input) +
                    ": expected [batch, channels, height, width]");
}

Pair windowed_size(const std::string& layer, const Shape& input, const Window2d& window) {
  const Pair padded{input[2] + 2 * window.padding.h, input[3] + 2 * window.padding.w};
  if (window.kernel.h > padded.h || window.kernel.w > padded.w)
    throw UserError(layer + " got input " + shape_string(input) + ": kernel " +
                    pair_string(window.kernel) + " is larger than the padded input " +
                    pair_string(padded));
  return {window.out_height(input[2]), window.out_width(input[3])};
}

}  // namespace hpsweep
