#include "worker/blocks/sequential_block.h"

#include "worker/layers/activation_layer.h"
#include "worker/layers/batch_norm_layer.h"

namespace hpsweep {

SequentialBlock::SequentialBlock(std::vector<std::unique_ptr<Layer>> layers) {
  for (auto& layer : layers) add(std::move(layer));
}

void SequentialBlock::add(std::unique_ptr<Layer> layer) {
  auto* norm = layers_.empty() ? nullptr : dynamic_cast<BatchNormLayer*>(layers_.back().get());
  auto* activation = dynamic_cast<ActivationLayer*>(layer.get());
  if (norm && activation && activation->is_relu()) norm->take_over(*activation);
  layers_.push_back(std::move(layer));
}

Shape SequentialBlock::output_shape(const Shape& input) const {
  Shape shape = input;
  for (const auto& layer : layers_) shape = layer->output_shape(shape);
  return shape;
}

const Tensor& SequentialBlock::forward(const Tensor& x, const BatchContext& context) {
  const Tensor* current = &x;
  stop_ = context.stop;
  for (auto& layer : layers_) {
    throw_if_stopped(stop_);
    current = &layer->forward(*current, context);
  }
  return *current;
}

const Tensor& SequentialBlock::backward(const Tensor& dy, bool need_input_grad) {
  const Tensor* grad = &dy;
  for (size_t i = layers_.size(); i-- > 0;) {
    throw_if_stopped(stop_);
    grad = &layers_[i]->backward(*grad, i > 0 || need_input_grad);
  }
  return *grad;
}

std::vector<ChildLayer> SequentialBlock::children() const {
  std::vector<ChildLayer> result;
  for (size_t i = 0; i < layers_.size(); ++i)
    result.push_back({std::to_string(i), layers_[i].get()});
  return result;
}

}  // namespace hpsweep
