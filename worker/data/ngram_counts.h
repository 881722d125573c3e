// n-gram statistics of a token stream (d2l 8.3 "Language Models"): how often each sequence of
// n consecutive tokens occurs, for the unigram, bigram and trigram tables and the Zipf plot
// of `hpsweep corpus`.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/vocabulary.h"

namespace hpsweep {

constexpr int kMaxNgram = 3;

struct NgramCount {
  std::array<int32_t, kMaxNgram> ids{};  // the first n are the n-gram's tokens
  int64_t count = 0;
};

// Every distinct n-gram (1 <= n <= kMaxNgram) of `ids` with its count, most frequent first;
// ties in the order of their tokens, the first token first, each token by its UTF-8 bytes
// (Python's order of tuples of str). `vocabulary` names the ids.
std::vector<NgramCount> count_ngrams(std::span<const int32_t> ids, int n,
                                     const Vocabulary& vocabulary);

}  // namespace hpsweep
