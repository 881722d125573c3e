#include "worker/blocks/sequential_block.h"

namespace hpsweep {

SequentialBlock::SequentialBlock(std::vector<std::unique_ptr<Layer>> layers)
    : layers_(std::move(layers)) {}

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
