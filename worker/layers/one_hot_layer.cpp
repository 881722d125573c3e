#include "worker/layers/one_hot_layer.h"

#include <stdexcept>

#include "worker/layers/token_ids.h"

namespace hpsweep {

OneHotLayer::OneHotLayer(int64_t vocabulary_size) : vocabulary_size_(vocabulary_size) {
  check_vocabulary_size(vocabulary_size, describe());
}

std::string OneHotLayer::describe() const {
  return "OneHot(" + std::to_string(vocabulary_size_) + ")";
}

Shape OneHotLayer::output_shape(const Shape& input) const {
  Shape shape = input;
  shape.push_back(vocabulary_size_);
  return shape;
}

const Tensor& OneHotLayer::forward(const Tensor& ids, const BatchContext&) {
  output_.resize(output_shape(ids.shape()));
  output_.fill(0.0f);
  for (int64_t i = 0; i < ids.size(); ++i) {
    if (!is_token_id(ids[i], vocabulary_size_))
      throw_bad_token_id(describe(), ids[i], vocabulary_size_);
    output_[i * vocabulary_size_ + static_cast<int64_t>(ids[i])] = 1.0f;
  }
  return output_;
}

const Tensor& OneHotLayer::backward(const Tensor&, bool need_input_grad) {
  if (need_input_grad) throw std::logic_error(describe() + ": token ids have no gradient");
  return no_grad_;
}

}  // namespace hpsweep
