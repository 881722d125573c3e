// Minibatches of a token stream for a language model, as d2l 8.3's seq_data_iter_random and
// seq_data_iter_sequential (0.17 edition): X is `batch_size` subsequences of `num_steps`
// tokens, Y the same subsequences one token later, so Y[r][t] is the token after X[r][t].
//
// Each epoch draws from Rng(counter_hash({seed, "tseq", epoch})):
//   random:     offset = below(num_steps), i.e. in [0, num_steps - 1] as d2l's
//               random.randint(0, num_steps - 1). The stream from the offset on is cut into
//               n = (count - offset - 1) / num_steps subsequences starting at
//               offset + k * num_steps; their starts are shuffled (Fisher-Yates from the last
//               position down, swapping position i with below(i + 1)), and batch b is
//               starts[b * batch_size, (b + 1) * batch_size). n / batch_size batches; the
//               n % batch_size subsequences left at the end of the shuffled list sit out the
//               epoch. Adjacent batches are unrelated: a model starts each from a zero state.
//   sequential: offset = below(num_steps + 1), i.e. in [0, num_steps] as d2l's
//               random.randint(0, num_steps). The stream from the offset on is cut into
//               batch_size rows of L = (count - offset - 1) / batch_size tokens, row r
//               starting at offset + r * L; batch b takes tokens [b * num_steps,
//               (b + 1) * num_steps) of every row, L / num_steps batches. Row r of batch b + 1
//               continues row r of batch b, so a model carries its state over (detached).
// An epoch's plan depends on the seed and the epoch only: the global batch is the same for
// any number of ranks, each of which fills its own rows (fill's row range). Where an epoch
// stands is a SequenceCursor, which a checkpoint stores to resume at the next batch.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hpsweep {

enum class SequenceSampling { random, sequential };

struct SequenceBatchConfig {
  SequenceSampling sampling = SequenceSampling::random;
  int64_t batch_size = 32;
  int64_t num_steps = 35;
  uint64_t seed = 0;
};

// What a checkpoint stores: the epoch, its drawn offset (a check that the resumed run draws
// the same), and the next batch to train on.
struct SequenceCursor {
  int64_t epoch = 0;
  int64_t offset = 0;
  int64_t batch = 0;
  bool operator==(const SequenceCursor&) const = default;
};

// Throws UserError when `count` tokens give no batch at the largest offset that an epoch can
// draw (so every epoch has at least one batch), or a size is not positive.
void check_sequence_batches(int64_t count, const SequenceBatchConfig& config);

// One epoch's batches of `tokens`, which the object views (they must outlive it).
class SequenceEpoch {
 public:
  SequenceEpoch(std::span<const int32_t> tokens, const SequenceBatchConfig& config, int64_t epoch);
  // The epoch `cursor` names, after checking that it draws the cursor's offset and has its
  // batch (UserError otherwise: another seed, corpus or setting than the checkpoint's).
  static SequenceEpoch resume(std::span<const int32_t> tokens, const SequenceBatchConfig& config,
                              const SequenceCursor& cursor);

  int64_t offset() const { return offset_; }
  int64_t batches() const { return batches_; }
  // Where X's row `row` of batch `batch` starts in the tokens (Y's row starts one later).
  int64_t row_start(int64_t batch, int64_t row) const;
  // Rows [row_begin, row_end) of batch `batch`: x and y each hold (row_end - row_begin) *
  // num_steps ids, row-major.
  void fill(int64_t batch, int64_t row_begin, int64_t row_end, int32_t* x, int32_t* y) const;
  // The cursor to store after training on batches [0, next_batch).
  SequenceCursor cursor(int64_t next_batch) const { return {epoch_, offset_, next_batch}; }

 private:
  std::span<const int32_t> tokens_;
  SequenceBatchConfig config_;
  int64_t epoch_, offset_, batches_;
  int64_t row_length_ = 0;       // sequential: L
  std::vector<int64_t> starts_;  // random: the shuffled subsequence starts
};

}  // namespace hpsweep
