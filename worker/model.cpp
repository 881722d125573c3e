#include "worker/model.h"

namespace hpsweep {

void Model::add(std::unique_ptr<Layer> layer) {
  const int64_t index = static_cast<int64_t>(layers_.size());
  layer->set_index(index);
  for (Parameter* p : layer->parameters())
    parameters_.push_back({std::to_string(index) + "." + p->name, p});
  layers_.push_back(std::move(layer));
}

const Tensor& Model::forward(const Tensor& x, const BatchContext& context) {
  const Tensor* current = &x;
  for (auto& layer : layers_) current = &layer->forward(*current, context);
  return *current;
}

void Model::pack_gradients() {
  int64_t total = 0;
  for (const NamedParameter& p : parameters_) total += p.parameter->grad.size();
  packed_gradients_ = Tensor({total});
  int64_t offset = 0;
  for (const NamedParameter& p : parameters_) {
    Tensor& grad = p.parameter->grad;
    grad = packed_gradients_.rows(offset, offset + grad.size()).reshaped(grad.shape());
    offset += grad.size();
  }
}

void Model::backward(const Tensor& output_grad, GradientReducer& reducer) {
  // Layers before the first one with parameters need no gradient, so that one computes no
  // input gradient (for the MLP: Flatten, then a Linear that skips a 784-wide dX GEMM).
  size_t first_trainable = 0;
  while (first_trainable < layers_.size() && layers_[first_trainable]->parameters().empty())
    ++first_trainable;
  const Tensor* grad = &output_grad;
  for (size_t i = layers_.size(); i-- > first_trainable;) {
    grad = &layers_[i]->backward(*grad, i > first_trainable);
    std::vector<Parameter*> params = layers_[i]->parameters();
    for (auto p = params.rbegin(); p != params.rend(); ++p) reducer.add((*p)->grad);
  }
}

int64_t Model::parameter_count() const {
  int64_t count = 0;
  for (const NamedParameter& p : parameters_) count += p.parameter->value.size();
  return count;
}

}  // namespace hpsweep
