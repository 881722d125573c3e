// The book's one-hot input (d2l 8.5, F.one_hot(X.T, vocab_size)): token ids of any shape (as
// floats, worker/layers/token_ids.h) -> that shape + [V], 1 at the id and 0 elsewhere. No
// parameters; ids have no gradient, so backward refuses to make one.
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class OneHotLayer : public Layer {
 public:
  explicit OneHotLayer(int64_t vocabulary_size);
  std::string kind() const override { return "OneHot"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& ids, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;

 private:
  std::string describe() const;  // "OneHot(28)"
  int64_t vocabulary_size_;
  Tensor output_, no_grad_;
};

}  // namespace hpsweep
