// Token <-> id, as d2l's Vocab (0.17 edition): id 0 is <unk>, then the tokens by frequency,
// most frequent first. d2l breaks ties by first occurrence; we break them by the tokens' UTF-8
// bytes, which for single characters is code point order, so the ids do not depend on where
// in the text a token first appears. A token that occurs fewer than min_freq times is left
// out and maps to <unk>, as is any token the vocabulary never saw. A token spelled "<unk>"
// (possible with word tokens) is <unk>.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hpsweep {

class Vocabulary {
 public:
  static constexpr int32_t kUnknownId = 0;
  static constexpr std::string_view kUnknownToken = "<unk>";

  // Just <unk>.
  Vocabulary();
  // The vocabulary of `tokens` under the rule above.
  static Vocabulary build(std::span<const std::string> tokens, int64_t min_freq = 0);

  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  // kUnknownId when `token` is not in the vocabulary.
  int32_t id(std::string_view token) const;
  std::vector<int32_t> ids(std::span<const std::string> tokens) const;
  const std::string& token(int32_t id) const { return tokens_.at(id); }
  // How often the id's token occurred in the tokens it was built from, as d2l's token_freqs
  // (a unigram model's counts). 0 for <unk>, whatever min_freq left out: a caller sums those.
  int64_t count(int32_t id) const { return counts_.at(id); }

 private:
  std::vector<std::string> tokens_;
  std::vector<int64_t> counts_;
  // Transparent, so that id() looks a string_view up without building a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace hpsweep
