// A model: layers applied in sequence, with parameters named as PyTorch's nn.Sequential names
// them ("1.weight" is the weight of layer 1), so checkpoints load into the equivalent PyTorch
// model with load_state_dict().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "worker/layers/layer.h"

namespace hpsweep {

struct NamedParameter {
  std::string name;  // "1.weight"
  Parameter* parameter;
};

class Model {
 public:
  void add(std::unique_ptr<Layer> layer);

  const Tensor& forward(const Tensor& x, const BatchContext& context);
  // Backward through every layer from dL/d(output); the first layer computes no input gradient.
  void backward(const Tensor& output_grad);

  // In forward order; each layer's parameters in its own order (weight, bias).
  const std::vector<NamedParameter>& parameters() const { return parameters_; }
  int64_t parameter_count() const;
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<NamedParameter> parameters_;
};

}  // namespace hpsweep
