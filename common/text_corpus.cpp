#include "common/text_corpus.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace hpsweep {
namespace {

// The length of the UTF-8 sequence at text[i], or 0 when it is not valid UTF-8 (RFC 3629:
// shortest form only, no surrogates, at most U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xbf;  // the range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 == 0xe0) low = 0xa0;   // overlong
    if (b0 == 0xed) high = 0x9f;  // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 == 0xf0) low = 0x90;   // overlong
    if (b0 == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return length;
}

// Deletes every terminal control sequence (ECMA-48 CSI: ESC '[', parameter bytes 0x30-0x3F,
// intermediate bytes 0x20-0x2F, a final byte 0x40-0x7E), Python's
// re.sub(r'\x1b\[[0-?]*[ -/]*[@-~]', '', text). They are markup, not text: fortunes-zh colours
// every title and author line, 14% of tang300's characters, and under `english` each would
// leave a word "m". An ESC that starts no complete sequence stays.
std::string without_terminal_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto in = [&](size_t i, char low, char high) {
    return i < text.size() && text[i] >= low && text[i] <= high;
  };
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      size_t end = i + 2;
      while (in(end, 0x30, 0x3f)) ++end;
      while (in(end, 0x20, 0x2f)) ++end;
      if (in(end, 0x40, 0x7e)) {
        i = end + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string shortest(double x) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, x).ptr);
}

bool is_ascii_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// d2l's time-machine rule, per line `re.sub('[^A-Za-z]+', ' ', line).strip().lower()`, the
// lines joined by single spaces and lines left empty dropped: every run of non-letters
// (line breaks included) between two letters is one space, and none lead or trail. Bytes of
// multi-byte characters are all >= 0x80, so a byte-wise scan sees them as non-letters.
std::string english(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool gap = false;
  for (char c : text) {
    if (!is_ascii_letter(c)) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += ' ';
    gap = false;
    out += static_cast<char>(c | 0x20);  // lower case of an ASCII letter
  }
  return out;
}

// d2l-zh's lyrics rule: `text.replace('\n', ' ').replace('\r', ' ')`.
std::string unicode(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

std::optional<TextPreprocessing> text_preprocessing_named(const std::string& name) {
  if (name == "english") return TextPreprocessing::english;
  if (name == "unicode") return TextPreprocessing::unicode;
  return std::nullopt;
}

std::optional<TextTokens> text_tokens_named(const std::string& name) {
  if (name == "char") return TextTokens::character;
  if (name == "word") return TextTokens::word;
  return std::nullopt;
}

const char* text_preprocessing_name(TextPreprocessing p) {
  return p == TextPreprocessing::english ? "english" : "unicode";
}

const char* text_tokens_name(TextTokens t) {
  return t == TextTokens::character ? "char" : "word";
}

TextCorpusOptions text_corpus_options(const DatasetConfig& config) {
  return {.preprocessing = *text_preprocessing_named(config.preprocess),
          .tokens = *text_tokens_named(config.tokens),
          .test_fraction = config.test_fraction,
          .min_freq = config.min_freq};
}

std::string read_utf8_file(const std::string& path) {
  // A folder opens, but reading it throws a message that does not name it.
  if (std::filesystem::is_directory(path)) throw UserError(path + ": is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot open: " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) throw UserError(path + ": cannot read: " + std::strerror(errno));
  for (size_t i = 0; i < text.size();) {
    const size_t length = utf8_sequence_length(text, i);
    if (length == 0)
      throw UserError(path + ": not UTF-8 text: invalid byte sequence at byte offset " +
                      std::to_string(i));
    i += length;
  }
  return text;
}

std::string preprocess_text(std::string_view text, TextPreprocessing preprocessing) {
  const std::string plain = without_terminal_escapes(text);
  return preprocessing == TextPreprocessing::english ? english(plain) : unicode(plain);
}

std::vector<std::string> tokenize_text(std::string_view text, TextTokens tokens) {
  std::vector<std::string> out;
  if (tokens == TextTokens::character) {
    for (size_t i = 0; i < text.size();) {
      // A byte that starts no UTF-8 sequence (text not from read_utf8_file) is a token.
      const size_t length = std::max<size_t>(utf8_sequence_length(text, i), 1);
      out.emplace_back(text.substr(i, length));
      i += length;
    }
    return out;
  }
  for (size_t i = 0; i < text.size();) {
    const size_t end = std::min(text.find(' ', i), text.size());
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

int64_t text_test_count(int64_t count, double test_fraction) {
  if (!(test_fraction >= 0 && test_fraction < 1))
    throw UserError("test_fraction: must be in [0, 1), got " + shortest(test_fraction));
  return static_cast<int64_t>(static_cast<double>(count) * test_fraction);
}

TextCorpus number_text_tokens(const std::vector<std::string>& tokens,
                              const TextCorpusOptions& options, const std::string& source) {
  const int64_t count = static_cast<int64_t>(tokens.size());
  const int64_t train_count = count - text_test_count(count, options.test_fraction);
  if (train_count == 0)
    throw UserError(source + ": no " + text_tokens_name(options.tokens) + " token after " +
                    text_preprocessing_name(options.preprocessing) + " preprocessing");
  const std::span<const std::string> all(tokens);
  TextCorpus corpus;
  corpus.vocabulary = Vocabulary::build(all.first(train_count), options.min_freq);
  corpus.train_ids = corpus.vocabulary.ids(all.first(train_count));
  corpus.test_ids = corpus.vocabulary.ids(all.subspan(train_count));
  return corpus;
}

TextCorpus load_text_corpus(const std::string& path, const TextCorpusOptions& options) {
  const std::string text = preprocess_text(read_utf8_file(path), options.preprocessing);
  return number_text_tokens(tokenize_text(text, options.tokens), options, path);
}

}  // namespace hpsweep
