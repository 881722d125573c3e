// `hpsweep corpus FILE` as a user runs it: exact counts on a small file, and exit code 2 with
// a message naming the file or option for bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/shell.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

CommandResult corpus(const std::string& arguments) {
  return run_shell(std::string(HPSWEEP_BINARY) + " corpus " + arguments);
}

std::string write_file(const TempDir& dir, const std::string& bytes) {
  const std::string path = (dir / "cat.txt").string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// "the cat the hat": 15 characters, the last one the test part. Ties in token order: among
// the bigrams seen twice "at" < "e " < "he" < "th"; among the trigrams "he " < "the".
TEST(CorpusCommand, CharacterCountsOfASmallFile) {
  TempDir dir;
  const std::string path = write_file(dir, "The cat,\nthe HAT.\n");
  const CommandResult r = corpus(path + " --top 3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "corpus: " + path +
                          " (english preprocessing, char tokens)\n"
                          "tokens: 15 (training 14, test 1 at test fraction 0.1)\n"
                          "vocabulary: 7 ids, <unk> and the training part's distinct tokens\n"
                          "test tokens not in the vocabulary: 0\n"
                          "\n"
                          "unigrams: 6 distinct, the 3 most frequent\n"
                          "   rank      count  unigram\n"
                          "      1          4  \"t\"\n"
                          "      2          3  \" \"\n"
                          "      3          3  \"h\"\n"
                          "\n"
                          "bigrams: 10 distinct, the 3 most frequent\n"
                          "   rank      count  bigram\n"
                          "      1          2  \"at\"\n"
                          "      2          2  \"e \"\n"
                          "      3          2  \"he\"\n"
                          "\n"
                          "trigrams: 11 distinct, the 3 most frequent\n"
                          "   rank      count  trigram\n"
                          "      1          2  \"he \"\n"
                          "      2          2  \"the\"\n"
                          "      3          1  \" ca\"\n");
}

TEST(CorpusCommand, WordCountsJoinWordsBySpaces) {
  TempDir dir;
  const CommandResult r = corpus(write_file(dir, "The cat,\nthe HAT.\n") + " --tokens word");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tokens: 4 (training 4, test 0 at test fraction 0.1)\n"
                          "vocabulary: 4 ids"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("trigrams: 2 distinct, the 2 most frequent\n"
                          "   rank      count  trigram\n"
                          "      1          1  \"cat the hat\"\n"
                          "      2          1  \"the cat the\"\n"),
            std::string::npos)
      << r.output;
}

// Under unicode a line break is a space and a control character is escaped; 明 is U+660E,
// 月 U+6708.
TEST(CorpusCommand, UnicodeCountsChineseAndEscapesControlCharacters) {
  TempDir dir;
  const CommandResult r =
      corpus(write_file(dir, "月明\n明月\a\"") + " --preprocess unicode --top 2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tokens: 7 (training 7, test 0 at test fraction 0.1)\n"
                          "vocabulary: 6 ids"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("      1          2  \"明\"\n"
                          "      2          2  \"月\"\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("      1          1  \"\\x07\\\"\"\n"), std::string::npos) << r.output;
}

TEST(CorpusCommand, PlotWritesTheImageItsExtensionNames) {
  TempDir dir;
  const std::string path = write_file(dir, "The cat,\nthe HAT.\n");
  for (const std::string name : {"zipf.png", "zipf.svg"}) {
    const CommandResult r = corpus(path + " --top 0 --plot " + (dir / name).string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("wrote " + (dir / name).string()), std::string::npos) << r.output;
    EXPECT_GT(std::filesystem::file_size(dir / name), 1000u);
    // --top 0 prints how many n-grams there are, not which.
    EXPECT_NE(
        r.output.find("unigrams: 6 distinct\n\nbigrams: 10 distinct\n\ntrigrams: 11 distinct\n"),
        std::string::npos)
        << r.output;
  }
}

TEST(CorpusCommand, BadInputExitsTwoNamingTheFileOrOption) {
  TempDir dir;
  const std::string path = write_file(dir, "ab\xc3(");
  const auto error = [](const std::string& arguments) {
    const CommandResult r = corpus(arguments);
    EXPECT_EQ(r.exit_code, 2) << arguments;
    return r.output;
  };
  EXPECT_EQ(error("/nonexistent/corpus.txt"),
            "hpsweep: error: /nonexistent/corpus.txt: cannot open: No such file or directory\n");
  EXPECT_EQ(error(path), "hpsweep: error: " + path +
                             ": not UTF-8 text: invalid byte sequence at byte offset 2\n");
  EXPECT_EQ(error(path + " --preprocess latin"),
            "hpsweep: error: --preprocess: must be english or unicode, got 'latin'\n");
  EXPECT_EQ(error(path + " --tokens bytes"),
            "hpsweep: error: --tokens: must be char or word, got 'bytes'\n");
  EXPECT_EQ(error(path + " --top -1"), "hpsweep: error: --top: must be >= 0, got -1\n");
  EXPECT_EQ(error(path + " --plot zipf.pdf"),
            "hpsweep: error: --plot: must end in .png or .svg, got 'zipf.pdf'\n");
  EXPECT_EQ(error(""),
            "hpsweep: error: missing FILE: a UTF-8 text file (the rules: docs/text-data.md)\n"
            "usage: hpsweep corpus FILE [--preprocess english|unicode] [--tokens char|word] "
            "[--top N] [--plot OUT.png|OUT.svg]\n");
}

TEST(CorpusCommand, HelpListsTheOptions) {
  const CommandResult r = corpus("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option :
       {"usage: hpsweep corpus FILE", "--preprocess", "--tokens", "--top", "--plot"})
    EXPECT_NE(r.output.find(option), std::string::npos) << option << "\n" << r.output;
}

}  // namespace
}  // namespace hpsweep::testing
