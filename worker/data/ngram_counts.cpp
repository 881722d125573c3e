#include "worker/data/ngram_counts.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "common/rng.h"

namespace hpsweep {
namespace {

struct NgramHash {
  size_t operator()(const std::array<int32_t, kMaxNgram>& ids) const {
    return counter_hash({static_cast<uint64_t>(ids[0]), static_cast<uint64_t>(ids[1]),
                         static_cast<uint64_t>(ids[2])});
  }
};

}  // namespace

std::vector<NgramCount> count_ngrams(std::span<const int32_t> ids, int n,
                                     const Vocabulary& vocabulary) {
  if (n < 1 || n > kMaxNgram) throw std::invalid_argument("count_ngrams: n out of range");
  std::unordered_map<std::array<int32_t, kMaxNgram>, int64_t, NgramHash> counts;
  for (size_t i = 0; i + n <= ids.size(); ++i) {
    std::array<int32_t, kMaxNgram> key{};
    std::copy(ids.begin() + i, ids.begin() + i + n, key.begin());
    ++counts[key];
  }
  std::vector<NgramCount> out;
  out.reserve(counts.size());
  for (const auto& [key, count] : counts) out.push_back({key, count});
  std::sort(out.begin(), out.end(), [&](const NgramCount& a, const NgramCount& b) {
    if (a.count != b.count) return a.count > b.count;
    for (int k = 0; k < kMaxNgram; ++k)  // ids past the n-th are all 0
      if (a.ids[k] != b.ids[k]) return vocabulary.token(a.ids[k]) < vocabulary.token(b.ids[k]);
    return false;
  });
  return out;
}

}  // namespace hpsweep
