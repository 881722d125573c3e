// The training loop of a language model (model.type rnn-lm on dataset.name text), d2l 9.5's
// train_epoch_ch8: minibatches through time from worker/data/sequence_batches.h, the token
// ids transposed to time-major [T, B] floats (the book's X.T), one cross-entropy per predicted
// token. With sequential partitioning the recurrent state carries over from one minibatch to
// the next, detached (truncated backpropagation through time), starting at zero each epoch;
// with random sampling every minibatch starts at zero. Steps end as every model's do
// (worker/parameter_update.h: gradient norm, clipping, update).
//
// After each epoch the test part is read once: cut into min(batch_size, N - 1) rows of
// L = (N - 1) / rows tokens (row r starts at r * L), walked num_steps at a time from a zero
// state that each chunk carries to the next, so that every token of the rows but the first is
// predicted exactly once; the (N - 1) % rows tokens past the last row are not. Curves:
// train_loss and test_loss are the mean cross-entropy per token, *_error the share of tokens
// whose arg-max prediction is wrong, *_perplexity exp of the loss, samples_per_second counts
// training tokens. A loss per token whose perplexity overflows a double (above ~709.8 nats;
// exploding gradients keep the loss itself finite) ends the trial `diverged`, as a non-finite
// loss does.
//
// A checkpoint is written at an epoch's end and every epoch draws its batches from the seed
// and its number and starts from a zero state, so a resumed trial continues bitwise without
// storing a state or a cursor.
#pragma once

#include <atomic>

#include "common/text_corpus.h"
#include "worker/trainer.h"

namespace hpsweep {

// As run_trial, on the corpus of the trial's text dataset; throws what it cannot handle.
TrialOutcome train_language_model(const Trial& trial, const TextCorpus& corpus,
                                  const TrialStart& start, TrialObserver& observer,
                                  const std::atomic<bool>& stop, TrainingGroup& group);

}  // namespace hpsweep
