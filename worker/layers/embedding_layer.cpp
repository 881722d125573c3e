#include "worker/layers/embedding_layer.h"

#include <algorithm>
#include <stdexcept>

#include "worker/layers/token_ids.h"

namespace hpsweep {

EmbeddingLayer::EmbeddingLayer(int64_t vocabulary_size, int64_t embedding_size)
    : vocabulary_size_(vocabulary_size),
      embedding_size_(embedding_size),
      weight_{"weight", Tensor({vocabulary_size, embedding_size}),
              Tensor({vocabulary_size, embedding_size}), true} {
  check_vocabulary_size(vocabulary_size, describe());
  if (embedding_size < 1) throw std::invalid_argument(describe() + ": size must be positive");
}

std::string EmbeddingLayer::describe() const {
  return "Embedding(" + std::to_string(vocabulary_size_) + ", " + std::to_string(embedding_size_) +
         ")";
}

Shape EmbeddingLayer::output_shape(const Shape& input) const {
  Shape shape = input;
  shape.push_back(embedding_size_);
  return shape;
}

const Tensor& EmbeddingLayer::forward(const Tensor& ids, const BatchContext&) {
  output_.resize(output_shape(ids.shape()));
  ids_.resize(ids.size());
  const float* table = weight_.value.data();
  for (int64_t i = 0; i < ids.size(); ++i) {
    if (!is_token_id(ids[i], vocabulary_size_))
      throw_bad_token_id(describe(), ids[i], vocabulary_size_);
    ids_[i] = static_cast<int64_t>(ids[i]);
    const float* row = table + ids_[i] * embedding_size_;
    std::copy(row, row + embedding_size_, output_.data() + i * embedding_size_);
  }
  return output_;
}

const Tensor& EmbeddingLayer::backward(const Tensor& dy, bool need_input_grad) {
  if (need_input_grad) throw std::logic_error(describe() + ": token ids have no gradient");
  float* grad = weight_.grad.data();
  std::fill(grad, grad + weight_.grad.size(), 0.0f);
  for (size_t i = 0; i < ids_.size(); ++i) {
    const float* from = dy.data() + i * embedding_size_;
    float* row = grad + ids_[i] * embedding_size_;
    for (int64_t j = 0; j < embedding_size_; ++j) row[j] += from[j];
  }
  return no_grad_;
}

}  // namespace hpsweep
