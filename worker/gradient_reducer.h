// Separates *when* gradients are reduced from *how*. The backward pass hands each gradient to
// add() as soon as it is final (last layer first); finish() returns once every added tensor
// holds its sum over the training group. Reducers may start communicating inside add() to
// overlap the rest of the backward pass. Later layers add their own tensors the same way
// (synchronized batch-norm statistics).
#pragma once

#include "common/tensor.h"

namespace hpsweep {

class GradientReducer {
 public:
  virtual ~GradientReducer() = default;
  // `tensor` is summed over the group in place; it must stay alive until finish().
  virtual void add(Tensor& tensor) = 0;
  virtual void finish() = 0;
};

// The group of one (dev mode, ranks_per_trial 1): there is nothing to reduce.
class LocalReducer : public GradientReducer {
 public:
  void add(Tensor&) override {}
  void finish() override {}
};

}  // namespace hpsweep
