#include "common/tensor.h"

#include <algorithm>
#include <new>
#include <stdexcept>

#include "common/blas.h"

namespace hpsweep {
namespace {

constexpr std::align_val_t kAlignment{64};

// Every allocation ends with kGemmOperandSlack floats that no tensor uses, so that any tensor,
// and any view into one, can be a gemm operand: BLIS's small-matrix kernels may read that far
// past a matrix (common/blas.h). They are zeroed, so what BLIS reads there is defined.
std::shared_ptr<float[]> allocate(int64_t count) {
  const int64_t total = count + kGemmOperandSlack;
  float* raw = static_cast<float*>(::operator new[](sizeof(float) * total, kAlignment));
  std::fill(raw, raw + total, 0.0f);
  return std::shared_ptr<float[]>(raw, [](float* p) { ::operator delete[](p, kAlignment); });
}

}  // namespace

int64_t shape_size(const Shape& shape) {
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  return size;
}

std::string shape_string(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), size_(shape_size(shape_)) {
  capacity_ = size_;
  storage_ = allocate(capacity_);
  data_ = storage_.get();
}

Tensor::Tensor(Shape shape, std::shared_ptr<float[]> storage)
    : shape_(std::move(shape)), size_(shape_size(shape_)), storage_(std::move(storage)) {
  capacity_ = size_;
  data_ = storage_.get();
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_size(shape) != size())
    throw std::logic_error("reshape " + shape_string(shape_) + " to " + shape_string(shape));
  Tensor view = *this;
  view.shape_ = std::move(shape);
  return view;
}

Tensor Tensor::rows(int64_t begin, int64_t end) const {
  if (rank() == 0 || begin < 0 || end > shape_[0] || begin > end)
    throw std::logic_error("rows out of range of " + shape_string(shape_));
  const int64_t row_size = shape_[0] ? size() / shape_[0] : 0;
  Tensor view = *this;
  view.shape_[0] = end - begin;
  view.size_ = view.shape_[0] * row_size;
  view.data_ = data_ + begin * row_size;
  view.capacity_ = view.size();
  return view;
}

void Tensor::resize(const Shape& shape) {
  const int64_t size = shape_size(shape);
  if (size > capacity_) {
    *this = Tensor(shape);
    return;
  }
  shape_ = shape;
  size_ = size;
}

Tensor Tensor::clone() const {
  Tensor copy(shape_);
  std::copy(data_, data_ + size(), copy.data_);
  return copy;
}

void Tensor::fill(float value) {
  std::fill(data_, data_ + size(), value);
}

}  // namespace hpsweep
