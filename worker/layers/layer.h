// The layer interface. A layer owns its output and gradient buffers, keeps what its backward
// pass needs from the last forward pass, and exposes its parameters by PyTorch's names
// ("weight", "bias"). Kernels (worker/kernels) do the arithmetic; layers wire buffers.
//
// Shapes carry the batch as the leading axis; images are NCHW. Blocks (residual, Inception,
// dense) are layers made of child layers, named as PyTorch names submodules, so a parameter's
// full name is a path ("1.0.conv1.weight"). Later layer kinds keep this contract: recurrent
// layers take [T, B, F] inputs and keep their hidden states as members; models with several
// outputs (detectors) compose layers in a graph rather than extending this interface.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/tensor.h"
#include "worker/kernels/stop_check.h"

namespace hpsweep {

enum class Mode { train, eval };

// Sums values over the ranks that train one trial together, for layers whose forward pass
// needs statistics of the whole global batch (synchronized batch normalization).
class GroupSum {
 public:
  virtual ~GroupSum() = default;
  virtual void sum(double* values, int count) = 0;
};

// What a forward pass may depend on besides its input.
struct BatchContext {
  Mode mode = Mode::eval;
  uint64_t seed = 0;                    // the trial's seed
  int64_t epoch = 0;                    // 1-based
  const int64_t* sample_ids = nullptr;  // global index of each row's sample (for dropout masks)
  GroupSum* group = nullptr;            // null: this process holds the whole batch
  // The trial's stop flag, checked between layers (throw_if_stopped): set only where this
  // process may abandon the pass alone, i.e. no peer waits for it in a collective of this step.
  const std::atomic<bool>* stop = nullptr;
};

struct Parameter {
  std::string name;  // "weight", "bias"
  Tensor value;
  Tensor grad;
  bool decay;  // weight decay applies: weights yes, biases no (as in d2l)
  // Initial value: weights are drawn (worker/initializer.h), other parameters start at zero,
  // or at one when this is set (batch norm's scale).
  bool starts_at_one = false;
  // > 0: drawn from uniform(-bound, bound) whatever the init scheme, biases included
  // (PyTorch's recurrent layers: 1 / sqrt(hidden size)).
  double uniform_bound = 0;
  // training.finetune (worker/finetune.h): a frozen parameter is never updated and has no
  // optimizer state; the others move at lr_mult times the scheduled rate.
  bool frozen = false;
  double lr_mult = 1;
};

// State that is saved with the parameters but not trained (batch norm's running statistics),
// PyTorch's "buffers".
struct Buffer {
  std::string name;  // "running_mean"
  Tensor value;
};

class Layer;
struct ChildLayer {
  std::string name;  // "0", "conv1"
  Layer* layer;
};

class Layer {
 public:
  virtual ~Layer() = default;
  // PyTorch's class name, for printouts: "Linear", "ReLU", "Dropout", "Flatten".
  virtual std::string kind() const = 0;
  virtual Shape output_shape(const Shape& input) const = 0;
  virtual const Tensor& forward(const Tensor& x, const BatchContext& context) = 0;
  // Given dL/dy for the last forward pass, *writes* this step's parameter gradients (no
  // accumulation, so nothing needs zeroing) and returns dL/dx, or an empty tensor when
  // need_input_grad is false.
  virtual const Tensor& backward(const Tensor& dy, bool need_input_grad) = 0;
  // This layer's own parameters and buffers; a block's live in its children.
  virtual std::vector<Parameter*> parameters() { return {}; }
  virtual std::vector<Buffer*> buffers() { return {}; }
  virtual std::vector<ChildLayer> children() const { return {}; }
  // Distinguishes this layer's random draws from other layers'; set by the model, which
  // numbers every layer of the tree in forward order.
  void set_index(int64_t index) { index_ = index; }
  int64_t index() const { return index_; }

 private:
  int64_t index_ = 0;
};

}  // namespace hpsweep
