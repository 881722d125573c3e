// float32 tensors: a row-major shape over 64-byte aligned storage. Reshapes and leading-axis
// slices are views that share storage (flatten and per-rank batch shards copy nothing).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hpsweep {

using Shape = std::vector<int64_t>;

int64_t shape_size(const Shape& shape);
std::string shape_string(const Shape& shape);  // "[256, 784]"

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape);  // zero-filled
  // A tensor over storage allocated elsewhere (a window of shared memory), which `storage`
  // keeps alive. Like every allocation, it must hold kGemmOperandSlack floats past the end.
  Tensor(Shape shape, std::shared_ptr<float[]> storage);

  const Shape& shape() const { return shape_; }
  int64_t dim(int axis) const { return shape_[axis]; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t size() const { return size_; }
  bool empty() const { return data_ == nullptr || size() == 0; }  // default-constructed or 0 rows

  float* data() { return data_; }
  const float* data() const { return data_; }
  float& operator[](int64_t i) { return data_[i]; }
  float operator[](int64_t i) const { return data_[i]; }

  // A view with another shape of the same size.
  Tensor reshaped(Shape shape) const;
  // A view of rows [begin, end) of the leading axis.
  Tensor rows(int64_t begin, int64_t end) const;
  // Gives this tensor `shape`, reusing the storage when it is large enough (the last,
  // smaller minibatch of an epoch). Contents are unspecified afterwards.
  void resize(const Shape& shape);
  // An independent copy.
  Tensor clone() const;
  void fill(float value);

 private:
  Shape shape_;
  // shape_size(shape_), kept with the shape: size() bounds hot loops, which could not hoist
  // a call that walks the shape.
  int64_t size_ = 0;
  std::shared_ptr<float[]> storage_;
  float* data_ = nullptr;
  int64_t capacity_ = 0;
};

}  // namespace hpsweep
