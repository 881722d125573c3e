// Concatenation along one axis (d2l 2.1's torch.cat) and its inverse for gradients: each
// tensor is viewed as [outer, size along axis, inner], so any axis costs one copy per block.
#pragma once

#include <vector>

#include "common/tensor.h"

namespace hpsweep {

// The shape of the concatenation. Throws std::invalid_argument when the tensors' ranks or
// sizes off the axis differ, with PyTorch's wording, e.g. "Sizes of tensors must match except
// in dimension 1. Expected size 3 but got size 4 for tensor number 1 in the list."
Shape concat_shape(const std::vector<Shape>& shapes, int axis);

void concat(const std::vector<const Tensor*>& parts, int axis, Tensor& out);

// Copies the slice [begin, end) of `whole` along `axis` into `part` (resized).
void slice_axis(const Tensor& whole, int axis, int64_t begin, int64_t end, Tensor& part);

}  // namespace hpsweep
