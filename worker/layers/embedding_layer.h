// PyTorch's nn.Embedding: token ids of any shape (as floats, worker/layers/token_ids.h) ->
// that shape + [E], row id of `weight` [V, E]. Ids have no gradient: backward writes the
// weight's (rows of repeated ids add up) and refuses to make an input gradient.
#pragma once

#include "worker/layers/layer.h"

namespace hpsweep {

class EmbeddingLayer : public Layer {
 public:
  EmbeddingLayer(int64_t vocabulary_size, int64_t embedding_size);
  std::string kind() const override { return "Embedding"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& ids, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<Parameter*> parameters() override { return {&weight_}; }

 private:
  std::string describe() const;  // "Embedding(28, 32)"
  int64_t vocabulary_size_, embedding_size_;
  Parameter weight_;
  std::vector<int64_t> ids_;  // of the last forward pass
  Tensor output_, no_grad_;
};

}  // namespace hpsweep
