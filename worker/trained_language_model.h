// A language model (rnn-lm) a sweep trained, loaded from one of its checkpoints with the
// vocabulary its training built: what `hpsweep sample` and the text sample of `analyze` and
// `report` continue a prefix with. The checkpoint is DIR/checkpoints/NNNN.h5; the trial's
// configuration comes from DIR/sweep.h5 (the spec with the trial's swept values), and the
// vocabulary is rebuilt from the text file, as training built it.
#pragma once

#include <cstdint>
#include <string>

#include "common/text_corpus.h"
#include "common/trial_config.h"
#include "worker/model.h"
#include "worker/text_sampler.h"

namespace hpsweep {

// Which of a checkpoint's parameters to load: its last, its /best (the epoch the metric
// selected), or the best when the checkpoint keeps them (`checkpoint.keep`) and else the last.
enum class CheckpointParameters { last, best, best_when_kept };

struct TrainedLanguageModel {
  TrialConfig config;
  TextCorpus corpus;
  Model model;
  bool best = false;  // the /best parameters were loaded
  int64_t epoch = 0;  // the epoch of the parameters loaded
};

// Throws UserError naming the checkpoint when it cannot be read, is not a language model's,
// or lacks the parameters asked for.
TrainedLanguageModel load_trained_language_model(const std::string& checkpoint_path,
                                                 CheckpointParameters parameters);

// `prefix` (tokenized as written: no preprocessing) and its continuation (text_sampler.h), the
// tokens joined as the text's (words with a space). Throws UserError when the prefix holds no
// token.
std::string continue_text(TrainedLanguageModel& lm, const std::string& prefix,
                          const SampleSettings& settings);

// The first `count` tokens of the training text, joined likewise: a prefix the model has read.
std::string opening_text(const TrainedLanguageModel& lm, int64_t count);

}  // namespace hpsweep
