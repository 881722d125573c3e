#include "app/best_trial_sample.h"

#include "app/command_line.h"
#include "common/error.h"
#include "common/trial.h"
#include "storage/checkpoint_file.h"
#include "worker/trained_language_model.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// A default prefix the model has read, in any language: the opening of its training text.
constexpr int64_t kOpeningTokens = 10;

}  // namespace

void add_sample_options(po::options_description& options, SampleOptions& sample) {
  options.add_options()("sample-prefix", po::value(&sample.prefix)->value_name("TEXT"),
                        "language models: the text sample continues this (default: the "
                        "training text's first 10 tokens)")(
      "sample-tokens", number_option(&sample.tokens, sample.tokens)->value_name("N"),
      "language models: the text sample's length in tokens; 0: no sample");
}

std::optional<TextSample> best_trial_sample(const std::filesystem::path& dir,
                                            const SweepRecord& sweep, const DiagnosisRule& rule,
                                            const SampleOptions& sample) {
  if (sample.tokens < 0)
    throw UserError("--sample-tokens: must be >= 0, got " + std::to_string(sample.tokens));
  if (!rule.language_model || sample.tokens == 0) return std::nullopt;
  const int64_t best = best_trial_id(sweep, rule);
  if (best < 0) return std::nullopt;
  const std::string whose = "trial " + trial_name(best);
  try {
    TrainedLanguageModel lm = load_trained_language_model(checkpoint_path(dir.string(), best),
                                                          CheckpointParameters::best_when_kept);
    const std::string prefix =
        sample.prefix.empty() ? opening_text(lm, kOpeningTokens) : sample.prefix;
    const std::string text = continue_text(lm, prefix, SampleSettings{.tokens = sample.tokens});
    return TextSample{whose + ", the parameters of epoch " + std::to_string(lm.epoch) +
                          (lm.best ? " (/best)" : " (last)") + ", " +
                          std::to_string(sample.tokens) + " tokens greedily after \"" + prefix +
                          "\"",
                      text};
  } catch (const UserError& e) {
    return TextSample{whose + ": none: " + e.what(), ""};
  }
}

}  // namespace hpsweep
