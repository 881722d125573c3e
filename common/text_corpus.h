// A text file as a language model's token ids: read as UTF-8, preprocessed, tokenized, split
// into a training and a test part, and numbered by a vocabulary of the training part. The
// rules are d2l's (chapter 8 "Recurrent Neural Networks", 0.17 edition; d2l-zh's lyrics
// corpus) and are written out in docs/text-data.md, with a Python version that gives the
// same ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/trial_config.h"
#include "common/vocabulary.h"

namespace hpsweep {

enum class TextPreprocessing {
  english,  // runs of characters other than A-Z and a-z become one space; lower case; stripped
  unicode,  // '\n' and '\r' become spaces; everything else stays
};

enum class TextTokens {
  character,  // each Unicode code point
  word,       // runs of characters between ASCII spaces
};

// "english" / "unicode", "char" / "word": the names the command line and the spec use;
// nullopt for any other name.
std::optional<TextPreprocessing> text_preprocessing_named(const std::string& name);
std::optional<TextTokens> text_tokens_named(const std::string& name);
const char* text_preprocessing_name(TextPreprocessing p);
const char* text_tokens_name(TextTokens t);

// The bytes of `path`. Throws UserError naming the file when it cannot be read, or naming the
// file and the byte offset of the first sequence that is not UTF-8 (strict, as Python's
// decoder: no overlong forms, surrogates or code points above U+10FFFF).
std::string read_utf8_file(const std::string& path);

// The rules of TextPreprocessing on valid UTF-8, after deleting terminal escape sequences
// (ECMA-48 CSI, such as the colours "\x1b[32m" and "\x1b[m" in fortunes-zh's files).
std::string preprocess_text(std::string_view text, TextPreprocessing preprocessing);

// Each token as its UTF-8 bytes, in text order.
std::vector<std::string> tokenize_text(std::string_view text, TextTokens tokens);

struct TextCorpusOptions {
  TextPreprocessing preprocessing = TextPreprocessing::english;
  TextTokens tokens = TextTokens::character;
  double test_fraction = 0.1;  // the last floor(count * test_fraction) tokens are the test part
  int64_t min_freq = 0;        // as d2l's Vocab: rarer training tokens map to <unk>
};

// A spec's dataset.preprocess, tokens, test_fraction and min_freq (the names checked by the
// spec loader).
TextCorpusOptions text_corpus_options(const DatasetConfig& config);

struct TextCorpus {
  Vocabulary vocabulary;                     // of the training part
  std::vector<int32_t> train_ids, test_ids;  // the token stream's two parts, in order
};

// How many of `count` tokens are the test part: floor(count * test_fraction), the product in
// double precision (as Python's int(count * test_fraction)). Throws UserError unless
// 0 <= test_fraction < 1.
int64_t text_test_count(int64_t count, double test_fraction);

// Splits `tokens` into the training and test parts and numbers both by the training part's
// vocabulary. Throws UserError, its message starting with `source`, when the training part
// is empty.
TextCorpus number_text_tokens(const std::vector<std::string>& tokens,
                              const TextCorpusOptions& options, const std::string& source);

// read_utf8_file, preprocess_text, tokenize_text and number_text_tokens on `path`.
TextCorpus load_text_corpus(const std::string& path, const TextCorpusOptions& options);

}  // namespace hpsweep
