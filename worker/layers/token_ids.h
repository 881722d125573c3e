// Token ids travel through the Layer interface as floats (tensors are float32), exact for
// every id below 2^24, so vocabularies are capped there. Embedding and one-hot check each.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace hpsweep {

constexpr int64_t kMaxVocabulary = int64_t{1} << 24;

inline void check_vocabulary_size(int64_t size, const std::string& layer) {
  if (size < 1 || size > kMaxVocabulary)
    throw std::invalid_argument(layer + ": vocabulary size must lie in [1, 2^24]");
}

// Whether a float holds an id: an integer in [0, vocabulary_size).
inline bool is_token_id(float value, int64_t vocabulary_size) {
  return value >= 0.0f && value < static_cast<float>(vocabulary_size) && value == std::floor(value);
}

[[noreturn]] inline void throw_bad_token_id(const std::string& layer, float value,
                                            int64_t vocabulary_size) {
  throw std::invalid_argument(layer + ": token id " + std::to_string(value) +
                              " is not an integer in [0, " + std::to_string(vocabulary_size) + ")");
}

}  // namespace hpsweep
