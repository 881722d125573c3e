// Layers applied in sequence inside a model (PyTorch nn.Sequential): a VGG or NiN block, a
// ResNet stage, a DenseNet transition layer. Children are named "0", "1", ...
#pragma once

#include <memory>
#include <vector>

#include "worker/layers/layer.h"

namespace hpsweep {

class SequentialBlock : public Layer {
 public:
  SequentialBlock() = default;
  explicit SequentialBlock(std::vector<std::unique_ptr<Layer>> layers);
  // A ReLU added right after a batch norm is applied by the batch norm
  // (BatchNormLayer::take_over).
  void add(std::unique_ptr<Layer> layer);
  size_t size() const { return layers_.size(); }
  Layer& operator[](size_t i) { return *layers_[i]; }

  std::string kind() const override { return "Sequential"; }
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<ChildLayer> children() const override;

 private:
  const std::atomic<bool>* stop_ = nullptr;  // of the last forward pass, for backward
  std::vector<std::unique_ptr<Layer>> layers_;
};

// Builds a SequentialBlock from layers: sequential(conv(...), relu(), pool(...)).
template <typename... Layers>
std::unique_ptr<SequentialBlock> sequential(Layers... layers) {
  auto block = std::make_unique<SequentialBlock>();
  (block->add(std::move(layers)), ...);
  return block;
}

}  // namespace hpsweep
