// A model: layers applied in sequence, with parameters named as PyTorch's nn.Sequential names
// them ("1.weight" is the weight of layer 1), so checkpoints load into the equivalent PyTorch
// model with load_state_dict().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "worker/gradient_reducer.h"
#include "worker/layers/layer.h"

namespace hpsweep {

struct NamedParameter {
  std::string name;  // "1.weight"
  Parameter* parameter;
};

// One entry of the model's state as PyTorch's state_dict() lists it: each layer's parameters,
// then its buffers, then its children's, in forward order.
struct NamedState {
  std::string name;  // "1.weight", "1.running_mean"
  Tensor* tensor;
};

class Model {
 public:
  // Named by its position ("1"), as in nn.Sequential.
  void add(std::unique_ptr<Layer> layer);
  // Named as a module's attribute ("rnn", "linear"), for models PyTorch writes as a class;
  // an empty name makes the layer the whole class, its children's names the attributes.
  void add(std::unique_ptr<Layer> layer, const std::string& name);
  // Moves every parameter gradient into one contiguous buffer, in forward order, so a group
  // can sum all of them with a single in-place allreduce. Called once all layers are added.
  void pack_gradients() { pack_gradients_into(Tensor({gradient_count()})); }
  // The same, into `storage` of at least gradient_count() floats (memory a group shares);
  // the gradients keep their values.
  void pack_gradients_into(const Tensor& storage);
  int64_t gradient_count() const;

  // Checks context.stop before every layer (StepCancelled).
  const Tensor& forward(const Tensor& x, const BatchContext& context);
  // Backward from dL/d(output) down to the first layer with parameters, which computes no
  // input gradient. Each layer's gradients go to `reducer` as soon as that layer is done, last
  // parameter first, so consecutive gradients form one contiguous range of the packed buffer.
  // Checks `stop` before every layer (StepCancelled); blocks check the stop flag of their last
  // forward pass between their children.
  void backward(const Tensor& output_grad, GradientReducer& reducer,
                const std::atomic<bool>* stop = nullptr);

  // In forward order; each layer's parameters in its own order (weight, bias).
  const std::vector<NamedParameter>& parameters() const { return parameters_; }
  // Parameters and buffers, for checkpoints.
  const std::vector<NamedState>& state() const { return state_; }
  int64_t parameter_count() const;
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }

 private:
  // Names and numbers `layer`'s subtree, appending its parameters and state.
  void register_tree(Layer& layer, const std::string& name);
  // One past the last entry of parameters_ that top-level layer `layer`'s subtree owns.
  size_t parameters_end(size_t layer) const;
  // Whether top-level layer `layer` owns a parameter that is not frozen.
  bool trains(size_t layer) const;

  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<NamedParameter> parameters_;
  std::vector<NamedState> state_;
  std::vector<size_t> first_parameter_;  // per top-level layer, its first entry in parameters_
  int64_t layer_count_ = 0;
};

}  // namespace hpsweep
