#include "worker/parameter_state.h"

#include <algorithm>

#include "common/error.h"

namespace hpsweep {

void ParameterState::allocate(const Model& model) {
  if (!tensors_.empty()) return;
  for (const NamedParameter& p : model.parameters())
    if (!p.parameter->frozen) tensors_.push_back({p.name, Tensor(p.parameter->value.shape())});
}

ParameterStates ParameterState::snapshot() const {
  ParameterStates states{kind_, {}};
  for (const NamedTensor& t : tensors_) states.tensors.push_back({t.name, t.tensor.clone()});
  return states;
}

void ParameterState::load(const OptimizerState& state, const Model& model,
                          const std::string& source) {
  tensors_.clear();
  if (state.steps == 0) return;
  const std::string prefix = source + ": optimizer state " + kind_;
  const auto kind = std::find_if(state.buffers.begin(), state.buffers.end(),
                                 [&](const ParameterStates& b) { return b.kind == kind_; });
  if (kind == state.buffers.end()) throw UserError(prefix + " is missing");
  for (const NamedParameter& p : model.parameters()) {
    if (p.parameter->frozen) continue;
    const auto saved = std::find_if(kind->tensors.begin(), kind->tensors.end(),
                                    [&](const NamedTensor& t) { return t.name == p.name; });
    if (saved == kind->tensors.end()) throw UserError(prefix + " has no " + p.name);
    if (saved->tensor.shape() != p.parameter->value.shape())
      throw UserError(prefix + ": " + p.name + " has shape " + shape_string(saved->tensor.shape()) +
                      ", the parameter " + shape_string(p.parameter->value.shape()));
    tensors_.push_back({p.name, saved->tensor.clone()});
  }
}

}  // namespace hpsweep
