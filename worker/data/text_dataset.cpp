#include "worker/data/text_dataset.h"

#include <memory>

namespace hpsweep {

SequenceBatchConfig sequence_batch_config(const TrialConfig& config, uint64_t seed) {
  return {.sampling = config.dataset.sampling == "sequential" ? SequenceSampling::sequential
                                                              : SequenceSampling::random,
          .batch_size = config.training.batch_size,
          .num_steps = config.training.num_steps,
          .seed = seed};
}

TrainTestData load_text_dataset(const DatasetConfig& config) {
  TrainTestData data;
  data.text = std::make_shared<const TextCorpus>(
      load_text_corpus(config.path, text_corpus_options(config)));
  return data;
}

DatasetShape inspect_text_dataset(const DatasetConfig& config) {
  const TextCorpus corpus = load_text_corpus(config.path, text_corpus_options(config));
  return {static_cast<int64_t>(corpus.train_ids.size()),
          static_cast<int64_t>(corpus.test_ids.size()),
          {1},  // a token
          corpus.vocabulary.size()};
}

}  // namespace hpsweep
