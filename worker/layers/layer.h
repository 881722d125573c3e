// The layer interface. A layer owns its output and gradient buffers, keeps what its backward
// pass needs from the last forward pass, and exposes its parameters by PyTorch's names
// ("weight", "bias"). Kernels (worker/kernels) do the arithmetic; layers wire buffers.
//
// Shapes carry the batch as the leading axis. Later layer kinds keep this contract: recurrent
// layers take [T, B, F] inputs and keep their hidden states as members; models with several
// outputs (detectors) compose layers in a graph rather than extending this interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/tensor.h"

namespace hpsweep {

enum class Mode { train, eval };

// What a forward pass may depend on besides its input.
struct BatchContext {
  Mode mode = Mode::eval;
  uint64_t seed = 0;                    // the trial's seed
  int64_t epoch = 0;                    // 1-based
  const int64_t* sample_ids = nullptr;  // global index of each row's sample (for dropout masks)
};

struct Parameter {
  std::string name;  // "weight", "bias"
  Tensor value;
  Tensor grad;
  bool decay;  // weight decay applies: weights yes, biases no (as in d2l)
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
  virtual std::vector<Parameter*> parameters() { return {}; }
  // Distinguishes this layer's random draws from other layers'; set by the model.
  void set_index(int64_t index) { index_ = index; }
  int64_t index() const { return index_; }

 private:
  int64_t index_ = 0;
};

}  // namespace hpsweep
