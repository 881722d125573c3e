// docs/text-data.md's Python rebuild of the token ids, run by Debian's /usr/bin/python3 (taken
// from the page itself, so the page cannot drift from the code), against load_text_corpus:
// the same vocabulary and ids for both preprocessings, on a tricky file and on the real
// corpora when fortunes-min and fortunes-zh are installed. Skipped without python3.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/shell.h"
#include "support/temp_dir.h"
#include "common/text_corpus.h"

namespace hpsweep::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kFortunes = "/usr/share/games/fortunes/";

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The page's first ```python block after the line "<!-- text_ids.py -->".
std::string docs_snippet() {
  const std::string page = read_all(std::string(HPSWEEP_SOURCE_DIR) + "/docs/text-data.md");
  const size_t marker = page.find("<!-- text_ids.py -->");
  const size_t begin = page.find("```python\n", marker);
  const size_t end = page.find("\n```", begin);
  if (marker == std::string::npos || begin == std::string::npos || end == std::string::npos)
    return "";
  return page.substr(begin + 10, end + 1 - (begin + 10));
}

// What the script prints: each vocabulary token's UTF-8 bytes in hex, then the training ids,
// then the test ids, one space-separated line each.
std::string expected_output(const TextCorpus& corpus) {
  std::ostringstream out;
  for (int32_t id = 0; id < corpus.vocabulary.size(); ++id) {
    if (id) out << ' ';
    for (unsigned char c : corpus.vocabulary.token(id)) {
      constexpr char kHex[] = "0123456789abcdef";
      out << kHex[c >> 4] << kHex[c & 15];
    }
  }
  for (const std::vector<int32_t>* ids : {&corpus.train_ids, &corpus.test_ids}) {
    out << '\n';
    for (size_t i = 0; i < ids->size(); ++i) out << (i ? " " : "") << (*ids)[i];
  }
  return out.str() + "\n";
}

class TextIdsInPython : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPython)) GTEST_SKIP() << kPython << " is not installed";
    const std::string snippet = docs_snippet();
    ASSERT_FALSE(snippet.empty()) << "no <!-- text_ids.py --> block in docs/text-data.md";
    script_ = dir_ / "text_ids.py";
    std::ofstream(script_) << snippet
                           << "\nimport sys\n"
                              "vocab, train, test = text_ids(sys.argv[1], sys.argv[2], "
                              "sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))\n"
                              "print(' '.join(t.encode().hex() for t in vocab))\n"
                              "print(' '.join(map(str, train)))\n"
                              "print(' '.join(map(str, test)))\n";
  }

  void expect_same_ids(const std::string& path, const TextCorpusOptions& options) {
    const CommandResult python = run_shell(
        std::string(kPython) + " " + script_.string() + " '" + path + "' " +
        text_preprocessing_name(options.preprocessing) + " " + text_tokens_name(options.tokens) +
        " " + std::to_string(options.test_fraction) + " " + std::to_string(options.min_freq));
    ASSERT_EQ(python.exit_code, 0) << python.output;
    const TextCorpus corpus = load_text_corpus(path, options);
    ASSERT_FALSE(corpus.train_ids.empty());
    EXPECT_TRUE(python.output == expected_output(corpus))
        << path << " " << text_preprocessing_name(options.preprocessing) << " "
        << text_tokens_name(options.tokens) << ": python's ids differ (the first 300 bytes):\n"
        << python.output.substr(0, 300) << "\nhpsweep's:\n"
        << expected_output(corpus).substr(0, 300);
  }

  TempDir dir_;
  std::filesystem::path script_;
};

TextCorpusOptions options(TextPreprocessing preprocessing, TextTokens tokens,
                          double test_fraction = 0.1, int64_t min_freq = 0) {
  return {preprocessing, tokens, test_fraction, min_freq};
}

// Line breaks of three kinds, empty lines, a fortune separator, accents, Chinese, an emoji,
// an escape sequence, tabs, <unk> spelled out, and ties in every frequency.
TEST_F(TextIdsInPython, TrickyFileBothPreprocessingsBothTokenKinds) {
  const std::string path = (dir_ / "tricky.txt").string();
  std::ofstream(path, std::ios::binary)
      << "The Time Machine,\r\nby H. G. Wells\n\n\n%\n\x1b[32m《静夜思》\x1b[m\r"
         "床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n"
         "Naïve café\tdéjà vu <unk> 😀 the end\n";
  for (TextPreprocessing p : {TextPreprocessing::english, TextPreprocessing::unicode})
    for (TextTokens t : {TextTokens::character, TextTokens::word}) {
      expect_same_ids(path, options(p, t));
      expect_same_ids(path, options(p, t, 0.3, 2));
    }
}

TEST_F(TextIdsInPython, EnglishFortunes) {
  const std::string path = std::string(kFortunes) + "fortunes";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fortunes-min is not installed";
  expect_same_ids(path, options(TextPreprocessing::english, TextTokens::character));
  expect_same_ids(path, options(TextPreprocessing::english, TextTokens::word));
}

TEST_F(TextIdsInPython, TangPoems) {
  const std::string path = std::string(kFortunes) + "tang300";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fortunes-zh is not installed";
  expect_same_ids(path, options(TextPreprocessing::unicode, TextTokens::character));
}

}  // namespace
}  // namespace hpsweep::testing
