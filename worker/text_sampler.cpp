#include "worker/text_sampler.h"

#include <cmath>
#include <stdexcept>

#include "common/rng.h"
#include "worker/models/rnn_lm.h"

namespace hpsweep {
namespace {

constexpr uint64_t kSampleStream = 0x73616d70;  // "samp"

// The next id from one row of logits.
int32_t pick(const float* logits, int64_t vocabulary, double temperature, Rng& rng) {
  int64_t best = 0;
  for (int64_t v = 1; v < vocabulary; ++v)
    if (logits[v] > logits[best]) best = v;
  if (temperature <= 0) return static_cast<int32_t>(best);
  // softmax(logits / T), shifted by the largest logit, in double.
  std::vector<double> weights(vocabulary);
  double total = 0;
  for (int64_t v = 0; v < vocabulary; ++v)
    total += weights[v] = std::exp((logits[v] - logits[best]) / temperature);
  double u = rng.uniform() * total;
  for (int64_t v = 0; v < vocabulary; ++v) {
    if (u < weights[v]) return static_cast<int32_t>(v);
    u -= weights[v];
  }
  return static_cast<int32_t>(best);  // rounding left u at the top
}

}  // namespace

std::vector<int32_t> continue_tokens(Model& model, const std::vector<int32_t>& prefix,
                                     const SampleSettings& settings) {
  if (prefix.empty()) throw std::invalid_argument("continue_tokens: an empty prefix");
  RecurrentLayer& rnn = rnn_lm_recurrent_layer(model);
  Rng rng(counter_hash({settings.seed, kSampleStream}));
  rnn.set_initial_state({});
  // The prefix in one pass, [P, 1] time-major; then one token at a time, [1, 1].
  Tensor input({static_cast<int64_t>(prefix.size()), 1});
  for (size_t t = 0; t < prefix.size(); ++t) input[t] = static_cast<float>(prefix[t]);
  std::vector<int32_t> generated;
  for (int64_t n = 0; n < settings.tokens; ++n) {
    const Tensor& logits = model.forward(input, BatchContext{.mode = Mode::eval});
    const int64_t vocabulary = logits.dim(1);
    const int32_t next = pick(logits.data() + (logits.dim(0) - 1) * vocabulary, vocabulary,
                              settings.temperature, rng);
    generated.push_back(next);
    rnn.set_initial_state(rnn.final_state().clone());
    input = Tensor({1, 1});
    input[0] = static_cast<float>(next);
  }
  rnn.set_initial_state({});
  return generated;
}

}  // namespace hpsweep
