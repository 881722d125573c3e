// Text from a trained language model (rnn-lm), as d2l's predict_ch8: the prefix is read from a
// zero state, then each next token is the arg-max of the model's output (greedy; ties to the
// lower id) or, at a temperature T > 0, drawn from softmax(logits / T) with a seeded Rng, and
// fed back in with the state carried.
#pragma once

#include <cstdint>
#include <vector>

#include "worker/model.h"

namespace hpsweep {

struct SampleSettings {
  int64_t tokens = 50;     // how many to generate
  double temperature = 0;  // 0: greedy
  uint64_t seed = 0;       // for temperature > 0
};

// The `settings.tokens` ids that follow `prefix` (at least one id), the model in evaluation mode.
std::vector<int32_t> continue_tokens(Model& model, const std::vector<int32_t>& prefix,
                                     const SampleSettings& settings);

}  // namespace hpsweep
