#include "worker/kernels/concat.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace hpsweep {
namespace {

int64_t outer_size(const Shape& shape, int axis) {
  int64_t n = 1;
  for (int d = 0; d < axis; ++d) n *= shape[d];
  return n;
}

int64_t inner_size(const Shape& shape, int axis) {
  int64_t n = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d) n *= shape[d];
  return n;
}

}  // namespace

Shape concat_shape(const std::vector<Shape>& shapes, int axis) {
  if (shapes.empty()) throw std::invalid_argument("concat: expected a non-empty list of tensors");
  const Shape& first = shapes.front();
  if (axis < 0 || axis >= static_cast<int>(first.size()))
    throw std::invalid_argument("concat: dimension " + std::to_string(axis) +
                                " out of range for a tensor of " + std::to_string(first.size()) +
                                " dimensions");
  Shape result = first;
  for (size_t t = 1; t < shapes.size(); ++t) {
    const Shape& shape = shapes[t];
    if (shape.size() != first.size())
      throw std::invalid_argument("Tensors must have same number of dimensions: got " +
                                  std::to_string(first.size()) + " and " +
                                  std::to_string(shape.size()));
    for (size_t d = 0; d < shape.size(); ++d)
      if (static_cast<int>(d) != axis && shape[d] != first[d])
        throw std::invalid_argument(
            "Sizes of tensors must match except in dimension " + std::to_string(axis) +
            ". Expected size " + std::to_string(first[d]) + " but got size " +
            std::to_string(shape[d]) + " for tensor number " + std::to_string(t) + " in the list.");
    result[axis] += shape[axis];
  }
  return result;
}

void concat(const std::vector<const Tensor*>& parts, int axis, Tensor& out) {
  std::vector<Shape> shapes;
  for (const Tensor* p : parts) shapes.push_back(p->shape());
  const Shape shape = concat_shape(shapes, axis);
  out.resize(shape);
  const int64_t outer = outer_size(shape, axis), inner = inner_size(shape, axis);
  const int64_t out_block = shape[axis] * inner;
  int64_t offset = 0;  // start of this part's block within each outer block of `out`
  for (const Tensor* p : parts) {
    const int64_t block = p->dim(axis) * inner;
    for (int64_t o = 0; o < outer; ++o)
      std::copy(p->data() + o * block, p->data() + (o + 1) * block,
                out.data() + o * out_block + offset);
    offset += block;
  }
}

void slice_axis(const Tensor& whole, int axis, int64_t begin, int64_t end, Tensor& part) {
  Shape shape = whole.shape();
  const int64_t outer = outer_size(shape, axis), inner = inner_size(shape, axis);
  const int64_t whole_block = shape[axis] * inner, block = (end - begin) * inner;
  shape[axis] = end - begin;
  part.resize(shape);
  for (int64_t o = 0; o < outer; ++o) {
    const float* src = whole.data() + o * whole_block + begin * inner;
    std::copy(src, src + block, part.data() + o * block);
  }
}

}  // namespace hpsweep
