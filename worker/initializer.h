// Parameter initialisation: weights by normal(0, sigma), Xavier (uniform, d2l 4.8) or He
// (normal with variance 2 / fan_in), with PyTorch's fans for conv kernels (channels x taps);
// biases start at zero, batch norm's scale at one. Recurrent layers' tensors, biases included,
// are uniform(-1/sqrt(H), 1/sqrt(H)) whatever the scheme, as PyTorch draws them.
#pragma once

#include <cstdint>
#include <string>

#include "worker/model.h"

namespace hpsweep {

enum class InitScheme { normal, xavier, he };

InitScheme parse_init_scheme(const std::string& name);

// Draws every weight from one stream seeded by `seed`, in parameter order.
void initialize_parameters(Model& model, InitScheme scheme, double sigma, uint64_t seed);

}  // namespace hpsweep
