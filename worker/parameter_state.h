// One kind of per-parameter optimizer state (a momentum buffer, one of Adam's moments): a
// float32 tensor shaped like each trained (not frozen) parameter of the model, in forward order.
// Allocated as zeros at the first step, as PyTorch does, so an optimizer needs no model to be
// built.
#pragma once

#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "worker/model.h"

namespace hpsweep {

class ParameterState {
 public:
  explicit ParameterState(std::string kind) : kind_(std::move(kind)) {}

  // Zero tensors for `model`'s parameters, unless they exist already (a step or a load).
  void allocate(const Model& model);
  // The tensor of the model's i-th trained parameter; allocate() first.
  Tensor& operator[](size_t i) { return tensors_[i].tensor; }

  // Copies, for a checkpoint; none before the first step.
  ParameterStates snapshot() const;
  // Copies this kind's tensors out of `state`, matched to `model`'s parameters by name. A state
  // of no steps holds none; otherwise every trained parameter must have one of the right shape, or
  // this throws UserError naming `source`.
  void load(const OptimizerState& state, const Model& model, const std::string& source);

 private:
  std::string kind_;
  std::vector<NamedTensor> tensors_;
};

}  // namespace hpsweep
