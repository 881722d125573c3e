// dataset.name text: a text file as the token streams of a language model (docs/text-data.md),
// held by TrainTestData::text. Its "classes" are the vocabulary's ids; its sizes count tokens.
#pragma once

#include "common/text_corpus.h"
#include "common/trial_config.h"
#include "worker/data/dataset.h"
#include "worker/data/sequence_batches.h"

namespace hpsweep {

// The training part's minibatches through time for a trial (dataset.sampling, the batch size
// and training.num_steps, drawn from the trial's seed).
SequenceBatchConfig sequence_batch_config(const TrialConfig& config, uint64_t seed);

TrainTestData load_text_dataset(const DatasetConfig& config);
// Reads the file too: the vocabulary's size is the model's output count.
DatasetShape inspect_text_dataset(const DatasetConfig& config);

}  // namespace hpsweep
