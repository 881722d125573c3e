#include "worker/model.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace hpsweep {

void Model::register_tree(Layer& layer, const std::string& name) {
  // A layer added without a name is the whole module: its children's names start the paths.
  const auto path = [&](const std::string& part) {
    return name.empty() ? part : name + "." + part;
  };
  layer.set_index(layer_count_++);
  for (Parameter* p : layer.parameters()) {
    parameters_.push_back({path(p->name), p});
    state_.push_back({path(p->name), &p->value});
  }
  for (Buffer* b : layer.buffers()) state_.push_back({path(b->name), &b->value});
  for (const ChildLayer& child : layer.children()) register_tree(*child.layer, path(child.name));
}

void Model::add(std::unique_ptr<Layer> layer) {
  add(std::move(layer), std::to_string(layers_.size()));
}

void Model::add(std::unique_ptr<Layer> layer, const std::string& name) {
  first_parameter_.push_back(parameters_.size());
  register_tree(*layer, name);
  layers_.push_back(std::move(layer));
}

const Tensor& Model::forward(const Tensor& x, const BatchContext& context) {
  const Tensor* current = &x;
  for (auto& layer : layers_) {
    throw_if_stopped(context.stop);
    current = &layer->forward(*current, context);
  }
  return *current;
}

int64_t Model::gradient_count() const {
  int64_t total = 0;
  for (const NamedParameter& p : parameters_) total += p.parameter->grad.size();
  return total;
}

void Model::pack_gradients_into(const Tensor& storage) {
  if (storage.size() < gradient_count())
    throw std::logic_error("gradient storage of " + std::to_string(storage.size()) +
                           " floats for " + std::to_string(gradient_count()));
  int64_t offset = 0;
  for (const NamedParameter& p : parameters_) {
    Tensor& grad = p.parameter->grad;
    Tensor placed = storage.rows(offset, offset + grad.size()).reshaped(grad.shape());
    if (!grad.empty()) std::copy(grad.data(), grad.data() + grad.size(), placed.data());
    grad = placed;
    offset += grad.size();
  }
}

size_t Model::parameters_end(size_t layer) const {
  return layer + 1 < layers_.size() ? first_parameter_[layer + 1] : parameters_.size();
}

bool Model::trains(size_t layer) const {
  for (size_t p = first_parameter_[layer]; p < parameters_end(layer); ++p)
    if (!parameters_[p].parameter->frozen) return true;
  return false;
}

void Model::backward(const Tensor& output_grad, GradientReducer& reducer,
                     const std::atomic<bool>* stop) {
  // Layers before the first one with trained parameters need no gradient, so that one
  // computes no input gradient (for the MLP: Flatten, then a Linear that skips a 784-wide dX
  // GEMM). A frozen body (training.finetune.freeze) is skipped whole: its gradients are
  // neither computed nor summed over the group.
  size_t first_trainable = 0;
  while (first_trainable < layers_.size() && !trains(first_trainable)) ++first_trainable;
  const Tensor* grad = &output_grad;
  for (size_t i = layers_.size(); i-- > first_trainable;) {
    throw_if_stopped(stop);
    grad = &layers_[i]->backward(*grad, i > first_trainable);
    for (size_t p = parameters_end(i); p-- > first_parameter_[i];)
      reducer.add(parameters_[p].parameter->grad);
  }
}

int64_t Model::parameter_count() const {
  int64_t count = 0;
  for (const NamedParameter& p : parameters_) count += p.parameter->value.size();
  return count;
}

}  // namespace hpsweep
