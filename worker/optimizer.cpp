#include "worker/optimizer.h"

#include "common/error.h"
#include "worker/adam.h"
#include "worker/sgd.h"

namespace hpsweep {

OptimizerState Optimizer::state() const {
  OptimizerState state = settings_;
  state.steps = steps_;
  for (const ParameterState* buffer : buffers_) {
    ParameterStates snapshot = buffer->snapshot();
    if (!snapshot.tensors.empty()) state.buffers.push_back(std::move(snapshot));
  }
  return state;
}

void Optimizer::load_state(const OptimizerState& state, const Model& model,
                           const std::string& source) {
  if (state.type != settings_.type)
    throw UserError(source + ": the optimizer is " + state.type + ", the trial's " +
                    settings_.type);
  for (ParameterState* buffer : buffers_) buffer->load(state, model, source);
  steps_ = state.steps;
}

std::unique_ptr<Optimizer> make_optimizer(const TrainingConfig& c) {
  if (c.optimizer == "sgd") return std::make_unique<Sgd>(c.lr, c.weight_decay, c.momentum);
  if (c.optimizer == "adam")
    return std::make_unique<Adam>(c.lr, c.weight_decay, c.beta1, c.beta2, c.eps);
  throw Error("training.optimizer: unknown optimizer '" + c.optimizer + "'");
}

}  // namespace hpsweep
