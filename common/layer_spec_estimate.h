// The parameter count of a network written in the spec, for `limits` (common/spec_limits.h):
// shapes are walked as the layers would change them, without building anything, so a spec
// whose layers would need 10^12 parameters is refused before any memory is taken.
#pragma once

#include <cstdint>
#include <vector>

#include "common/layer_spec.h"

namespace hpsweep {

// `layers` on samples of `sample_shape` ([C, H, W] or [features]) with `outputs` outputs;
// exact for networks that fit their input (tests/test_spec_network.cpp checks it against the
// built model). Where a layer does not fit, the count so far: building reports the misfit.
double estimate_layer_parameters(const LayerList& layers, const ModelConfig& config,
                                 const std::vector<int64_t>& sample_shape, int64_t outputs);

}  // namespace hpsweep
