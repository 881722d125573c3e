// Text corpora for language models: UTF-8 reading, the two preprocessings, tokens, the
// vocabulary's order, the train/test split, n-gram counts (common/text_corpus.h,
// vocabulary.h, ngram_counts.h). Expected ids are counted by hand.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "support/temp_dir.h"
#include "worker/data/ngram_counts.h"
#include "common/text_corpus.h"

namespace hpsweep::testing {
namespace {

std::string write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string utf8_error(const std::string& bytes) {
  TempDir dir;
  const std::string path = write_file(dir, "bad.txt", bytes);
  try {
    read_utf8_file(path);
  } catch (const UserError& e) {
    const std::string message = e.what();
    return message.substr(0, path.size()) == path ? message.substr(path.size()) : message;
  }
  return "no error";
}

TEST(TextCorpus, InvalidUtf8NamesTheFileAndByteOffset) {
  const std::string at = ": not UTF-8 text: invalid byte sequence at byte offset ";
  EXPECT_EQ(utf8_error("ab\xc3("), at + "2");                   // a lead byte without its follower
  EXPECT_EQ(utf8_error("\xc0\xaf"), at + "0");                  // overlong '/'
  EXPECT_EQ(utf8_error("\xe6\x98\x8e\xed\xa0\x80"), at + "3");  // 明, then a surrogate
  EXPECT_EQ(utf8_error("\xf4\x90\x80\x80"), at + "0");          // above U+10FFFF
  EXPECT_EQ(utf8_error("abc\xe6\x98"), at + "3");               // cut off at the end
  EXPECT_EQ(utf8_error("\x80"), at + "0");                      // a lone continuation byte
  EXPECT_EQ(utf8_error("\xf0\x9f\x98\x80 \xe6\x98\x8e"), "no error");  // 😀 明
}

TEST(TextCorpus, MissingFileIsNamed) {
  try {
    read_utf8_file("/nonexistent/corpus.txt");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/corpus.txt: cannot open: No such file or directory");
  }
  TempDir dir;
  try {
    read_utf8_file(dir.path().string());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), dir.path().string() + ": is a folder, not a file");
  }
}

TEST(TextCorpus, EnglishKeepsLettersLowerCasedWithOneSpaceBetweenRuns) {
  const auto english = [](std::string_view text) {
    return preprocess_text(text, TextPreprocessing::english);
  };
  EXPECT_EQ(english("The Time Machine, by H. G. Wells [1898]\n\n\n  I\n"),
            "the time machine by h g wells i");
  EXPECT_EQ(english("  --Naïve CAFÉ\r\nx"), "na ve caf x");  // non-ASCII letters are gaps
  EXPECT_EQ(english("%\n42\n%"), "");
}

// fortunes-zh's colours, and ESCs that start no complete control sequence.
TEST(TextCorpus, TerminalEscapeSequencesAreDeletedFirst) {
  const std::string poem = "\x1b[32m《静夜思》\x1b[m\n\x1b[33m作者：李白\x1b[m\n";
  EXPECT_EQ(preprocess_text(poem, TextPreprocessing::unicode), "《静夜思》 作者：李白 ");
  EXPECT_EQ(preprocess_text("\x1b[1;31mRed\x1b[0m alert", TextPreprocessing::english), "red alert");
  EXPECT_EQ(preprocess_text("a\x1b[12\x1b]b\x1b", TextPreprocessing::unicode),
            "a\x1b[12\x1b]b\x1b");
}

TEST(TextCorpus, UnicodeTurnsEachLineBreakCharacterIntoASpace) {
  EXPECT_EQ(preprocess_text("床前明月光，\r\n疑是地上霜。\n", TextPreprocessing::unicode),
            "床前明月光，  疑是地上霜。 ");
}

TEST(TextCorpus, CharacterTokensAreCodePointsAndWordsSplitOnSpaces) {
  EXPECT_EQ(tokenize_text("明月 a😀", TextTokens::character),
            (std::vector<std::string>{"明", "月", " ", "a", "😀"}));
  EXPECT_EQ(tokenize_text(" the  cat\tsat ", TextTokens::word),
            (std::vector<std::string>{"the", "cat\tsat"}));
}

TextCorpus corpus_of(const std::string& text, TextCorpusOptions options) {
  TempDir dir;
  return load_text_corpus(write_file(dir, "corpus.txt", text), options);
}

std::vector<std::string> tokens_of(const Vocabulary& v) {
  std::vector<std::string> out;
  for (int32_t id = 0; id < v.size(); ++id) out.push_back(v.token(id));
  return out;
}

// "the cat the hat": 15 characters, the last (t) the test part. The training part counts t, h
// and space 3 times each (ties: space 0x20 < h < t), a and e twice, c once.
TEST(TextCorpus, EnglishCharacterIdsByFrequencyThenCodePoint) {
  const TextCorpus c = corpus_of("The cat,\nthe HAT.", {});
  EXPECT_EQ(tokens_of(c.vocabulary),
            (std::vector<std::string>{"<unk>", " ", "h", "t", "a", "e", "c"}));
  EXPECT_EQ(c.train_ids, (std::vector<int32_t>{3, 2, 5, 1, 6, 4, 3, 1, 3, 2, 5, 1, 2, 4}));
  EXPECT_EQ(c.test_ids, (std::vector<int32_t>{3}));
  EXPECT_EQ(c.vocabulary.count(3), 3);
}

// 明月光，明月霜。 and a line break (a space): 明 (U+660E) and 月 (U+6708) twice; space,
// 。(U+3002), 光 (U+5149), 霜 (U+971C) and ，(U+FF0C) once each, in code point order.
TEST(TextCorpus, ChineseCharacterIdsByFrequencyThenCodePoint) {
  TextCorpusOptions options;
  options.preprocessing = TextPreprocessing::unicode;
  options.test_fraction = 0;
  const TextCorpus c = corpus_of("明月光，\n明月霜。", options);
  EXPECT_EQ(tokens_of(c.vocabulary),
            (std::vector<std::string>{"<unk>", "明", "月", " ", "。", "光", "霜", "，"}));
  EXPECT_EQ(c.train_ids, (std::vector<int32_t>{1, 2, 5, 7, 3, 1, 2, 6, 4}));
  EXPECT_TRUE(c.test_ids.empty());
}

TEST(TextCorpus, TestTokensOutsideTheTrainingVocabularyAreUnknown) {
  TextCorpusOptions options;
  options.preprocessing = TextPreprocessing::unicode;
  options.test_fraction = 0.25;  // the last 2 of 8 tokens
  const TextCorpus c = corpus_of("明月明月明月霜月", options);
  EXPECT_EQ(tokens_of(c.vocabulary), (std::vector<std::string>{"<unk>", "明", "月"}));
  EXPECT_EQ(c.test_ids, (std::vector<int32_t>{0, 2}));
}

TEST(TextCorpus, MinFreqLeavesRareTokensUnknown) {
  TextCorpusOptions options;
  options.preprocessing = TextPreprocessing::unicode;
  options.test_fraction = 0;
  options.min_freq = 2;
  const TextCorpus c = corpus_of("明月光，明月霜。", options);
  EXPECT_EQ(tokens_of(c.vocabulary), (std::vector<std::string>{"<unk>", "明", "月"}));
  EXPECT_EQ(c.train_ids, (std::vector<int32_t>{1, 2, 0, 0, 1, 2, 0, 0}));
}

TEST(TextCorpus, WordIdsTieByBytesAndALiteralUnkIsUnknown) {
  TextCorpusOptions options;
  options.tokens = TextTokens::word;
  options.test_fraction = 0;
  EXPECT_EQ(tokens_of(corpus_of("the hat, the cat", options).vocabulary),
            (std::vector<std::string>{"<unk>", "the", "cat", "hat"}));
  options.preprocessing = TextPreprocessing::unicode;
  const TextCorpus c = corpus_of("<unk> b <unk> a", options);
  EXPECT_EQ(tokens_of(c.vocabulary), (std::vector<std::string>{"<unk>", "a", "b"}));
  EXPECT_EQ(c.train_ids, (std::vector<int32_t>{0, 2, 0, 1}));
}

TEST(TextCorpus, TestCountIsTheFloorOfTheProduct) {
  EXPECT_EQ(text_test_count(30, 0.1), 3);
  EXPECT_EQ(text_test_count(19, 0.1), 1);
  EXPECT_EQ(text_test_count(5, 0), 0);
  try {
    text_test_count(5, 1);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "test_fraction: must be in [0, 1), got 1");
  }
  EXPECT_THROW(text_test_count(5, -0.1), UserError);
}

TEST(TextCorpus, NoTokenIsAnErrorNamingTheFile) {
  TempDir dir;
  const std::string path = write_file(dir, "digits.txt", "1984\n%\n");
  try {
    load_text_corpus(path, {});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": no char token after english preprocessing");
  }
}

std::vector<std::string> spelled(const std::vector<NgramCount>& counts, int n,
                                 const Vocabulary& v) {
  std::vector<std::string> out;
  for (const NgramCount& c : counts) {
    std::string s;
    for (int k = 0; k < n; ++k) s += v.token(c.ids[k]);
    out.push_back(s + ":" + std::to_string(c.count));
  }
  return out;
}

// "abcab": unigrams a 2, b 2, c 1; bigrams ab 2, then bc and ca once (b < c); trigrams once.
TEST(NgramCounts, MostFrequentFirstTiesInTokenOrder) {
  const std::vector<std::string> tokens = tokenize_text("abcab", TextTokens::character);
  const Vocabulary v = Vocabulary::build(tokens);
  const std::vector<int32_t> ids = v.ids(tokens);
  EXPECT_EQ(spelled(count_ngrams(ids, 1, v), 1, v),
            (std::vector<std::string>{"a:2", "b:2", "c:1"}));
  EXPECT_EQ(spelled(count_ngrams(ids, 2, v), 2, v),
            (std::vector<std::string>{"ab:2", "bc:1", "ca:1"}));
  EXPECT_EQ(spelled(count_ngrams(ids, 3, v), 3, v),
            (std::vector<std::string>{"abc:1", "bca:1", "cab:1"}));
  EXPECT_TRUE(count_ngrams(std::span(ids).first(2), 3, v).empty());
}

}  // namespace
}  // namespace hpsweep::testing
