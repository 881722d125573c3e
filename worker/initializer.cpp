#include "worker/initializer.h"

#include <cmath>
#include <stdexcept>

#include "common/rng.h"

namespace hpsweep {

InitScheme parse_init_scheme(const std::string& name) {
  if (name == "normal") return InitScheme::normal;
  if (name == "xavier") return InitScheme::xavier;
  if (name == "he") return InitScheme::he;
  throw std::invalid_argument("unknown init scheme '" + name + "'");
}

void initialize_parameters(Model& model, InitScheme scheme, double sigma, uint64_t seed) {
  Rng rng(seed);
  for (const NamedParameter& named : model.parameters()) {
    Tensor& value = named.parameter->value;
    if (const double bound = named.parameter->uniform_bound; bound > 0) {
      for (int64_t i = 0; i < value.size(); ++i)
        value[i] = static_cast<float>(rng.uniform(-bound, bound));
      continue;
    }
    if (!named.parameter->decay) {  // biases, batch norm's shift and scale
      value.fill(named.parameter->starts_at_one ? 1.0f : 0.0f);
      continue;
    }
    // Weights are [out, in, kernel...] in PyTorch's layout; fans count the kernel's taps.
    const double receptive_field =
        static_cast<double>(value.size()) / static_cast<double>(value.dim(0) * value.dim(1));
    const double fan_out = static_cast<double>(value.dim(0)) * receptive_field;
    const double fan_in = static_cast<double>(value.dim(1)) * receptive_field;
    switch (scheme) {
      case InitScheme::normal:
        for (int64_t i = 0; i < value.size(); ++i)
          value[i] = static_cast<float>(sigma * rng.normal());
        break;
      case InitScheme::xavier: {
        const double bound = std::sqrt(6.0 / (fan_in + fan_out));
        for (int64_t i = 0; i < value.size(); ++i)
          value[i] = static_cast<float>(rng.uniform(-bound, bound));
        break;
      }
      case InitScheme::he: {
        const double std_dev = std::sqrt(2.0 / fan_in);
        for (int64_t i = 0; i < value.size(); ++i)
          value[i] = static_cast<float>(std_dev * rng.normal());
        break;
      }
    }
  }
}

}  // namespace hpsweep
