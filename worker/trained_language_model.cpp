#include "worker/trained_language_model.h"

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "common/model_types.h"
#include "storage/checkpoint_file.h"
#include "storage/recorded_trial_config.h"
#include "worker/data/text_dataset.h"
#include "worker/model_factory.h"
#include "worker/model_state.h"

namespace hpsweep {
namespace {

TextTokens tokens_of(const TrainedLanguageModel& lm) {
  return *text_tokens_named(lm.config.dataset.tokens);
}

// The ids' tokens as text: words are separated by a space, characters are not.
std::string join_tokens(const TrainedLanguageModel& lm, const std::vector<int32_t>& ids) {
  std::string text;
  for (int32_t id : ids) {
    if (tokens_of(lm) == TextTokens::word && !text.empty()) text += " ";
    text += lm.corpus.vocabulary.token(id);
  }
  return text;
}

}  // namespace

TrainedLanguageModel load_trained_language_model(const std::string& checkpoint_path,
                                                 CheckpointParameters parameters) {
  const CheckpointData checkpoint = read_checkpoint_parts(checkpoint_path);
  const std::filesystem::path sweep_path =
      std::filesystem::path(checkpoint_path).parent_path().parent_path() / "sweep.h5";
  TrialConfig config = recorded_trial_config(read_sweep_file(sweep_path.string()),
                                             checkpoint.trial_id, sweep_path.string());
  const ModelType* type = find_model_type(config.model.type);
  if (!type || !type->needs_tokens)
    throw UserError(checkpoint_path + ": trial " + std::to_string(checkpoint.trial_id) + " is a " +
                    config.model.type + ", not a language model (rnn-lm)");
  const bool best = parameters == CheckpointParameters::best ||
                    (parameters == CheckpointParameters::best_when_kept && checkpoint.has_best);
  if (best && !checkpoint.has_best)
    throw UserError(checkpoint_path + ": keeps no /best (checkpoint.keep)");
  if (!best && !checkpoint.has_last)
    throw UserError(checkpoint_path + ": keeps no last parameters (checkpoint.keep): use --best");
  TextCorpus corpus = load_text_corpus(config.dataset.path, text_corpus_options(config.dataset));
  Model model = build_model(config.model, {1}, corpus.vocabulary.size());
  load_parameters(model, best ? checkpoint.best_params : checkpoint.params, checkpoint_path);
  return {std::move(config), std::move(corpus), std::move(model), best,
          best ? checkpoint.best_epoch : checkpoint.epoch};
}

std::string continue_text(TrainedLanguageModel& lm, const std::string& prefix,
                          const SampleSettings& settings) {
  const std::vector<int32_t> ids = lm.corpus.vocabulary.ids(tokenize_text(prefix, tokens_of(lm)));
  if (ids.empty()) throw UserError("--prefix: holds no token");
  const std::string continuation = join_tokens(lm, continue_tokens(lm.model, ids, settings));
  if (tokens_of(lm) == TextTokens::word && !continuation.empty())
    return prefix + " " + continuation;
  return prefix + continuation;
}

std::string opening_text(const TrainedLanguageModel& lm, int64_t count) {
  const auto end = lm.corpus.train_ids.begin() +
                   std::min<int64_t>(count, static_cast<int64_t>(lm.corpus.train_ids.size()));
  return join_tokens(lm, std::vector<int32_t>(lm.corpus.train_ids.begin(), end));
}

}  // namespace hpsweep
