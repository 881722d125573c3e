#include "common/vocabulary.h"

#include <algorithm>

namespace hpsweep {

Vocabulary::Vocabulary() : tokens_{std::string(kUnknownToken)}, counts_{0} {
  ids_.emplace(kUnknownToken, kUnknownId);
}

Vocabulary Vocabulary::build(std::span<const std::string> tokens, int64_t min_freq) {
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> counts;
  for (const std::string& token : tokens) ++counts[token];
  std::vector<std::pair<std::string, int64_t>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Vocabulary vocabulary;
  for (const auto& [token, count] : ranked) {
    if (count < min_freq) break;
    if (token == kUnknownToken) continue;
    vocabulary.ids_.emplace(token, static_cast<int32_t>(vocabulary.tokens_.size()));
    vocabulary.tokens_.push_back(token);
    vocabulary.counts_.push_back(count);
  }
  return vocabulary;
}

int32_t Vocabulary::id(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? kUnknownId : it->second;
}

std::vector<int32_t> Vocabulary::ids(std::span<const std::string> tokens) const {
  std::vector<int32_t> out;
  out.reserve(tokens.size());
  for (const std::string& token : tokens) out.push_back(id(token));
  return out;
}

}  // namespace hpsweep
