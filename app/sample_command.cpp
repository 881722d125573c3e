// `hpsweep sample CHECKPOINT --prefix TEXT`: continues a prefix with a trained language model
// (model.type rnn-lm), greedily or at a temperature (worker/text_sampler.h). The checkpoint is
// a sweep's DIR/checkpoints/NNNN.h5; the trial's model and text come from DIR/sweep.h5 (the
// spec with the trial's swept values), and the vocabulary is rebuilt from the text file, as
// training built it.
#include <filesystem>
#include <iostream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/config_fields.h"
#include "common/error.h"
#include "common/model_types.h"
#include "common/spec.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "worker/data/text_dataset.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"
#include "worker/text_sampler.h"

namespace hpsweep {
namespace {

namespace po = boost::program_options;

// The configuration trial `id` of the sweep in `sweep_path` trained with.
TrialConfig trial_config(const std::string& sweep_path, int64_t id) {
  const SweepRecord sweep = read_sweep_file(sweep_path);
  TrialConfig config = parse_spec(sweep.spec_text, sweep_path + ":/spec").base;
  for (const TrialRecord& trial : sweep.trials) {
    if (trial.id != id) continue;
    for (const SweptValue& v : trial.swept) find_config_field(v.path)->set(config, v.value);
    return config;
  }
  throw UserError(sweep_path + ": has no trial " + std::to_string(id));
}

}  // namespace

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

  const CheckpointData checkpoint = read_checkpoint_file(checkpoint_path);
  const std::filesystem::path sweep_path =
      std::filesystem::path(checkpoint_path).parent_path().parent_path() / "sweep.h5";
  const TrialConfig config = trial_config(sweep_path.string(), checkpoint.trial_id);
  const ModelType* type = find_model_type(config.model.type);
  if (!type || !type->needs_tokens)
    throw UserError(checkpoint_path + ": trial " + std::to_string(checkpoint.trial_id) + " is a " +
                    config.model.type + ", not a language model (rnn-lm)");
  const bool best = values.count("best") > 0;
  if (best && !checkpoint.has_best)
    throw UserError(checkpoint_path + ": keeps no /best (checkpoint.keep)");
  if (!best && !checkpoint.has_last)
    throw UserError(checkpoint_path + ": keeps no last parameters (checkpoint.keep): use --best");

  const TextCorpus corpus =
      load_text_corpus(config.dataset.path, text_corpus_options(config.dataset));
  Model model = build_model(config.model, {1}, corpus.vocabulary.size());
  load_parameters(model, best ? checkpoint.best_params : checkpoint.params, checkpoint_path);

  const TextTokens tokens = *text_tokens_named(config.dataset.tokens);
  std::vector<int32_t> ids = corpus.vocabulary.ids(tokenize_text(prefix, tokens));
  if (ids.empty()) throw UserError("--prefix: holds no token");
  const std::vector<int32_t> generated = continue_tokens(model, ids, settings);
  std::string text = prefix;
  for (int32_t id : generated) {
    if (tokens == TextTokens::word) text += " ";
    text += corpus.vocabulary.token(id);
  }
  std::cout << text << "\n";
  return kExitOk;
}

}  // namespace hpsweep
