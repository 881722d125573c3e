// `hpsweep corpus FILE`: a text file as a language model would see it (docs/text-data.md):
// its token count and vocabulary, its most frequent unigrams, bigrams and trigrams (d2l 8.3),
// and with --plot the frequency-rank figure of Zipf's law.
#include <cstdio>
#include <iostream>

#include "analysis/zipf_plot.h"
#include "app/command_line.h"
#include "app/commands.h"
#include "common/error.h"
#include "worker/data/ngram_counts.h"
#include "common/text_corpus.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

constexpr const char* kNgramNames[] = {"unigram", "bigram", "trigram"};

// An n-gram as one quoted string: characters run together, words joined by spaces; control
// characters, '"' and '\' escaped so that every token is visible on one line.
std::string quoted(const NgramCount& ngram, int n, const Vocabulary& vocabulary,
                   TextTokens tokens) {
  std::string text;
  for (int k = 0; k < n; ++k) {
    if (k && tokens == TextTokens::word) text += ' ';
    text += vocabulary.token(ngram.ids[k]);
  }
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

void print_top(const std::vector<NgramCount>& counts, int n, int64_t top,
               const Vocabulary& vocabulary, TextTokens tokens) {
  const int64_t shown = std::min<int64_t>(top, static_cast<int64_t>(counts.size()));
  std::cout << "\n" << kNgramNames[n - 1] << "s: " << counts.size() << " distinct";
  if (shown == 0) {
    std::cout << "\n";
    return;
  }
  std::cout << ", the " << shown << " most frequent\n";
  char line[64];
  std::snprintf(line, sizeof line, "  %5s %10s  %s\n", "rank", "count", kNgramNames[n - 1]);
  std::cout << line;
  for (int64_t i = 0; i < shown; ++i) {
    std::snprintf(line, sizeof line, "  %5lld %10lld  ", static_cast<long long>(i + 1),
                  static_cast<long long>(counts[i].count));
    std::cout << line << quoted(counts[i], n, vocabulary, tokens) << "\n";
  }
}

}  // namespace

int corpus_command(const std::vector<std::string>& args) {
  po::options_description options("corpus options");
  std::string file, preprocess_name, tokens_name, plot;
  int64_t top = 10;
  options.add_options()("file", po::value(&file)->required(),
                        "a UTF-8 text file (the rules: docs/text-data.md)")(
      "preprocess", po::value(&preprocess_name)->default_value("english")->value_name("RULE"),
      "english (letters only, lower case) | unicode (every character)")(
      "tokens", po::value(&tokens_name)->default_value("char")->value_name("KIND"), "char | word")(
      "top", number_option(&top, int64_t{10})->value_name("N"),
      "print the N most frequent unigrams, bigrams and trigrams")(
      "plot", po::value(&plot)->value_name("OUT"),
      "draw the frequency-rank plot (Zipf's law) into OUT.png or OUT.svg (gnuplot)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional,
                          "usage: hpsweep corpus FILE [--preprocess english|unicode] [--tokens "
                          "char|word] [--top N] [--plot OUT.png|OUT.svg]",
                          values))
    return kExitOk;
  const std::optional<TextPreprocessing> preprocessing = text_preprocessing_named(preprocess_name);
  if (!preprocessing)
    throw UserError("--preprocess: must be english or unicode, got '" + preprocess_name + "'");
  const std::optional<TextTokens> token_kind = text_tokens_named(tokens_name);
  if (!token_kind) throw UserError("--tokens: must be char or word, got '" + tokens_name + "'");
  const TextCorpusOptions corpus_options{*preprocessing, *token_kind};
  if (top < 0) throw UserError("--top: must be >= 0, got " + std::to_string(top));
  if (!plot.empty() && !plot.ends_with(".png") && !plot.ends_with(".svg"))
    throw UserError("--plot: must end in .png or .svg, got '" + plot + "'");

  const std::string text = preprocess_text(read_utf8_file(file), corpus_options.preprocessing);
  const std::vector<std::string> tokens = tokenize_text(text, corpus_options.tokens);
  const TextCorpus corpus = number_text_tokens(tokens, corpus_options, file);
  int64_t unknown_test = 0;
  for (int32_t id : corpus.test_ids) unknown_test += id == Vocabulary::kUnknownId;
  std::cout << "corpus: " << file << " (" << preprocess_name << " preprocessing, " << tokens_name
            << " tokens)\n"
            << "tokens: " << tokens.size() << " (training " << corpus.train_ids.size() << ", test "
            << corpus.test_ids.size() << " at test fraction "
            << shortest_number(corpus_options.test_fraction) << ")\n"
            << "vocabulary: " << corpus.vocabulary.size()
            << " ids, <unk> and the training part's distinct tokens\n"
            << "test tokens not in the vocabulary: " << unknown_test << "\n";

  // The n-grams of the whole stream, each token named by a vocabulary of all of it.
  const Vocabulary names = Vocabulary::build(tokens);
  const std::vector<int32_t> ids = names.ids(tokens);
  std::vector<RankCurve> curves;
  for (int n = 1; n <= kMaxNgram; ++n) {
    const std::vector<NgramCount> counts = count_ngrams(ids, n, names);
    print_top(counts, n, top, names, corpus_options.tokens);
    RankCurve& curve = curves.emplace_back(RankCurve{kNgramNames[n - 1], {}});
    for (const NgramCount& c : counts) curve.counts.push_back(c.count);
  }
  if (!plot.empty()) {
    draw_zipf_plot(curves, file + " (" + preprocess_name + ", " + tokens_name + " tokens)", plot);
    std::cerr << "wrote " << plot << "\n";
  }
  return kExitOk;
}

}  // namespace hpsweep
