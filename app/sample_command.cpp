// `hpsweep sample CHECKPOINT --prefix TEXT`: continues a prefix with a trained language model
// (model.type rnn-lm), greedily or at a temperature (worker/text_sampler.h), loaded as
// worker/trained_language_model.h describes.
#include <iostream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/error.h"
#include "worker/trained_language_model.h"

namespace hpsweep {

namespace po = boost::program_options;

int sample_command(const std::vector<std::string>& args) {
  po::options_description options("sample options");
  std::string checkpoint_path, prefix;
  SampleSettings settings;
  int64_t seed = 0;
  options.add_options()("checkpoint", po::value(&checkpoint_path)->required(),
                        "a language model's checkpoint, DIR/checkpoints/NNNN.h5")(
      "prefix", po::value(&prefix)->required()->value_name("TEXT"),
      "the text to continue, tokenized as is (no preprocessing: write it as the model read "
      "text, e.g. in lower case)")("tokens",
                                   number_option(&settings.tokens, int64_t{50})->value_name("N"),
                                   "how many tokens to generate")(
      "temperature", number_option(&settings.temperature, 0.0)->value_name("T"),
      "0: the most likely token each step; T > 0: drawn from softmax(logits / T)")(
      "seed", number_option(&seed, int64_t{0})->value_name("S"), "the draws' seed")(
      "best", "use the best epoch's parameters (/best) rather than the last");
  po::positional_options_description positional;
  positional.add("checkpoint", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional,
                          "usage: hpsweep sample CHECKPOINT --prefix TEXT [--tokens N] "
                          "[--temperature T] [--seed S] [--best]",
                          values))
    return kExitOk;
  if (settings.tokens < 0)
    throw UserError("--tokens: must be >= 0, got " + std::to_string(settings.tokens));
  if (settings.temperature < 0)
    throw UserError("--temperature: must be >= 0, got " + std::to_string(settings.temperature));
  settings.seed = static_cast<uint64_t>(seed);

  TrainedLanguageModel lm = load_trained_language_model(
      checkpoint_path,
      values.count("best") ? CheckpointParameters::best : CheckpointParameters::last);
  std::cout << continue_text(lm, prefix, settings) << "\n";
  return kExitOk;
}

}  // namespace hpsweep
