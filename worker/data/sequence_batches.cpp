#include "worker/data/sequence_batches.h"

#include <algorithm>
#include <string>

#include "common/error.h"
#include "common/rng.h"

namespace hpsweep {
namespace {

constexpr uint64_t kSequenceStream = 0x74736571;  // "tseq"

bool is_random(const SequenceBatchConfig& config) {
  return config.sampling == SequenceSampling::random;
}

// How many distinct offsets an epoch draws from: [0, num_steps) or [0, num_steps].
int64_t offset_choices(const SequenceBatchConfig& config) {
  return is_random(config) ? config.num_steps : config.num_steps + 1;
}

// The subsequences (random) or the row length (sequential) of `count` tokens from `offset` on;
// one token is kept back because Y runs one past X.
int64_t pieces(int64_t count, int64_t offset, const SequenceBatchConfig& config) {
  const int64_t usable = std::max<int64_t>(count - offset - 1, 0);
  return is_random(config) ? usable / config.num_steps : usable / config.batch_size;
}

int64_t batch_count(int64_t count, int64_t offset, const SequenceBatchConfig& config) {
  const int64_t n = pieces(count, offset, config);
  return is_random(config) ? n / config.batch_size : n / config.num_steps;
}

}  // namespace

void check_sequence_batches(int64_t count, const SequenceBatchConfig& config) {
  if (config.batch_size < 1 || config.num_steps < 1)
    throw UserError("batch_size and num_steps must be at least 1, got " +
                    std::to_string(config.batch_size) + " and " + std::to_string(config.num_steps));
  if (batch_count(count, offset_choices(config) - 1, config) < 1)
    throw UserError(
        std::to_string(count) + " tokens are too few for one batch of " +
        std::to_string(config.batch_size) + " sequences of " + std::to_string(config.num_steps) +
        " tokens (" + (is_random(config) ? "random" : "sequential") + " sampling needs " +
        std::to_string((config.batch_size + 1) * config.num_steps + (is_random(config) ? 0 : 1)) +
        ")");
}

SequenceEpoch::SequenceEpoch(std::span<const int32_t> tokens, const SequenceBatchConfig& config,
                             int64_t epoch)
    : tokens_(tokens), config_(config), epoch_(epoch) {
  const int64_t count = static_cast<int64_t>(tokens.size());
  check_sequence_batches(count, config);
  Rng rng(counter_hash({config.seed, kSequenceStream, static_cast<uint64_t>(epoch)}));
  offset_ = static_cast<int64_t>(rng.below(static_cast<uint64_t>(offset_choices(config))));
  batches_ = batch_count(count, offset_, config);
  if (!is_random(config)) {
    row_length_ = pieces(count, offset_, config);
    return;
  }
  starts_.resize(pieces(count, offset_, config));
  for (size_t k = 0; k < starts_.size(); ++k)
    starts_[k] = offset_ + static_cast<int64_t>(k) * config.num_steps;
  for (int64_t i = static_cast<int64_t>(starts_.size()) - 1; i > 0; --i)
    std::swap(starts_[i], starts_[rng.below(i + 1)]);
}

SequenceEpoch SequenceEpoch::resume(std::span<const int32_t> tokens,
                                    const SequenceBatchConfig& config,
                                    const SequenceCursor& cursor) {
  SequenceEpoch epoch(tokens, config, cursor.epoch);
  if (epoch.offset() != cursor.offset || cursor.batch < 0 || cursor.batch > epoch.batches())
    throw UserError("the checkpoint's place in epoch " + std::to_string(cursor.epoch) +
                    " (offset " + std::to_string(cursor.offset) + ", batch " +
                    std::to_string(cursor.batch) + ") is not one of this data's (offset " +
                    std::to_string(epoch.offset()) + ", " + std::to_string(epoch.batches()) +
                    " batches): another corpus, seed, batch size or num_steps");
  return epoch;
}

int64_t SequenceEpoch::row_start(int64_t batch, int64_t row) const {
  if (is_random(config_)) return starts_[batch * config_.batch_size + row];
  return offset_ + row * row_length_ + batch * config_.num_steps;
}

void SequenceEpoch::fill(int64_t batch, int64_t row_begin, int64_t row_end, int32_t* x,
                         int32_t* y) const {
  const int64_t steps = config_.num_steps;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int32_t* from = tokens_.data() + row_start(batch, row);
    std::copy(from, from + steps, x + (row - row_begin) * steps);
    std::copy(from + 1, from + 1 + steps, y + (row - row_begin) * steps);
  }
}

}  // namespace hpsweep
