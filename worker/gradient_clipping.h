// Gradient clipping by the global L2 norm, as d2l's grad_clipping and
// torch.nn.utils.clip_grad_norm_: the norm over every trained parameter's gradient together,
// and when it exceeds the threshold, every gradient scaled by threshold / (norm + 1e-6).
// Frozen parameters (training.finetune.freeze) have no gradient and take no part.
#pragma once

#include "worker/model.h"

namespace hpsweep {

// sqrt of the sum of squares of every trained gradient element, summed in double.
double gradient_norm(const Model& model);

// Scales the trained gradients by clip_norm / (norm + 1e-6) when that is below 1 (torch's
// clip_coef, its epsilon included); `norm` is gradient_norm's.
void clip_gradients(const Model& model, double clip_norm, double norm);

}  // namespace hpsweep
