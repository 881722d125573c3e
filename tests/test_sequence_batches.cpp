// Minibatches through time (worker/data/sequence_batches.h). The token stream is 0, 1, 2, ...
// so that a token is its own position and a batch shows where its rows start.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "common/error.h"
#include "worker/data/sequence_batches.h"

namespace hpsweep::testing {
namespace {

std::vector<int32_t> positions(int64_t count) {
  std::vector<int32_t> tokens(count);
  std::iota(tokens.begin(), tokens.end(), 0);
  return tokens;
}

SequenceBatchConfig config(SequenceSampling sampling, int64_t batch_size, int64_t num_steps,
                           uint64_t seed = 7) {
  return {sampling, batch_size, num_steps, seed};
}

struct Batch {
  std::vector<int32_t> x, y;
  bool operator==(const Batch&) const = default;
};

Batch batch_of(const SequenceEpoch& epoch, const SequenceBatchConfig& c, int64_t b,
               int64_t row_begin, int64_t row_end) {
  Batch batch{std::vector<int32_t>((row_end - row_begin) * c.num_steps),
              std::vector<int32_t>((row_end - row_begin) * c.num_steps)};
  epoch.fill(b, row_begin, row_end, batch.x.data(), batch.y.data());
  return batch;
}

std::vector<Batch> all_batches(const std::vector<int32_t>& tokens, const SequenceBatchConfig& c,
                               int64_t epoch_index) {
  const SequenceEpoch epoch(tokens, c, epoch_index);
  std::vector<Batch> out;
  for (int64_t b = 0; b < epoch.batches(); ++b)
    out.push_back(batch_of(epoch, c, b, 0, c.batch_size));
  return out;
}

constexpr SequenceSampling kBoth[] = {SequenceSampling::random, SequenceSampling::sequential};

TEST(SequenceBatches, EveryTargetIsTheNextTokenOfItsInput) {
  for (SequenceSampling sampling : kBoth)
    for (int64_t epoch = 0; epoch < 5; ++epoch) {
      const SequenceBatchConfig c = config(sampling, 3, 5);
      const std::vector<int32_t> tokens = positions(100);
      for (const Batch& b : all_batches(tokens, c, epoch)) {
        for (size_t i = 0; i < b.x.size(); ++i) {
          EXPECT_EQ(b.y[i], b.x[i] + 1);
          // Each row is num_steps consecutive tokens.
          if (i % c.num_steps) {
            EXPECT_EQ(b.x[i], b.x[i - 1] + 1);
          }
        }
      }
    }
}

TEST(SequenceBatches, SequentialRowsContinueAcrossMinibatches) {
  const SequenceBatchConfig c = config(SequenceSampling::sequential, 4, 5);
  const std::vector<int32_t> tokens = positions(200);
  for (int64_t epoch = 0; epoch < 5; ++epoch) {
    const std::vector<Batch> batches = all_batches(tokens, c, epoch);
    const SequenceEpoch plan(tokens, c, epoch);
    // Rows of L = (200 - offset - 1) / 4 tokens: L / 5 batches.
    const int64_t row_length = (200 - plan.offset() - 1) / 4;
    ASSERT_EQ(static_cast<int64_t>(batches.size()), row_length / 5);
    for (size_t b = 0; b < batches.size(); ++b)
      for (int64_t r = 0; r < 4; ++r) {
        EXPECT_EQ(batches[b].x[r * 5], plan.offset() + r * row_length + 5 * b);
        if (b) {
          EXPECT_EQ(batches[b].x[r * 5], batches[b - 1].x[r * 5 + 4] + 1);
        }
      }
  }
}

// One step per sequence: the offset is 0 and the 12 subsequences (13 tokens, one kept back for
// the last target) fill 4 batches of 3 exactly.
TEST(SequenceBatches, RandomSamplingCoversEverySubsequenceOncePerEpoch) {
  const SequenceBatchConfig c = config(SequenceSampling::random, 3, 1);
  for (int64_t epoch = 0; epoch < 5; ++epoch) {
    std::vector<int32_t> starts;
    for (const Batch& b : all_batches(positions(13), c, epoch))
      starts.insert(starts.end(), b.x.begin(), b.x.end());
    std::sort(starts.begin(), starts.end());
    EXPECT_EQ(starts, positions(12));
  }
}

// With longer sequences the starts lie on the offset's grid, each at most once, and the
// subsequences that do not fill a batch sit out.
TEST(SequenceBatches, RandomSamplingStartsAreDistinctOnTheOffsetsGrid) {
  const SequenceBatchConfig c = config(SequenceSampling::random, 4, 6);
  const std::vector<int32_t> tokens = positions(103);
  for (int64_t epoch = 0; epoch < 10; ++epoch) {
    const SequenceEpoch plan(tokens, c, epoch);
    const int64_t subsequences = (103 - plan.offset() - 1) / 6;
    ASSERT_EQ(plan.batches(), subsequences / 4);
    std::set<int64_t> starts;
    for (int64_t b = 0; b < plan.batches(); ++b)
      for (int64_t r = 0; r < 4; ++r) {
        const int64_t start = plan.row_start(b, r);
        EXPECT_EQ((start - plan.offset()) % 6, 0);
        EXPECT_LT(start, plan.offset() + subsequences * 6);
        EXPECT_TRUE(starts.insert(start).second) << start;
      }
  }
}

TEST(SequenceBatches, OffsetsSpanD2lsRanges) {
  std::set<int64_t> random, sequential;
  for (int64_t epoch = 0; epoch < 200; ++epoch) {
    random.insert(
        SequenceEpoch(positions(100), config(SequenceSampling::random, 2, 4), epoch).offset());
    sequential.insert(
        SequenceEpoch(positions(100), config(SequenceSampling::sequential, 2, 4), epoch).offset());
  }
  EXPECT_EQ(random, (std::set<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(sequential, (std::set<int64_t>{0, 1, 2, 3, 4}));
}

TEST(SequenceBatches, SameSeedAndEpochSameBatchesOtherwiseDifferent) {
  const std::vector<int32_t> tokens = positions(500);
  for (SequenceSampling sampling : kBoth) {
    const SequenceBatchConfig c = config(sampling, 4, 7);
    EXPECT_EQ(all_batches(tokens, c, 3), all_batches(tokens, c, 3));
    std::set<std::vector<int32_t>> firsts;  // the first batch of each of 8 epochs
    for (int64_t epoch = 0; epoch < 8; ++epoch) firsts.insert(all_batches(tokens, c, epoch)[0].x);
    EXPECT_GE(firsts.size(), 5u);  // sequential has 8 offsets: a few epochs may share one
    EXPECT_NE(all_batches(tokens, c, 3), all_batches(tokens, config(sampling, 4, 7, 8), 3));
  }
}

// Ranks that fill their own rows of the global batch together hold what one rank fills.
TEST(SequenceBatches, RowRangesSplitTheGlobalBatch) {
  for (SequenceSampling sampling : kBoth) {
    const SequenceBatchConfig c = config(sampling, 5, 4);
    const SequenceEpoch epoch(positions(300), c, 2);
    const Batch whole = batch_of(epoch, c, 1, 0, 5);
    Batch joined = batch_of(epoch, c, 1, 0, 2);
    const Batch rest = batch_of(epoch, c, 1, 2, 5);
    joined.x.insert(joined.x.end(), rest.x.begin(), rest.x.end());
    joined.y.insert(joined.y.end(), rest.y.begin(), rest.y.end());
    EXPECT_EQ(joined, whole);
  }
}

TEST(SequenceBatches, ResumeAtACursorGivesTheSameBatches) {
  const std::vector<int32_t> tokens = positions(400);
  for (SequenceSampling sampling : kBoth) {
    const SequenceBatchConfig c = config(sampling, 3, 5);
    const SequenceEpoch epoch(tokens, c, 4);
    const SequenceCursor cursor = epoch.cursor(2);
    EXPECT_EQ(cursor, (SequenceCursor{4, epoch.offset(), 2}));
    const SequenceEpoch resumed = SequenceEpoch::resume(tokens, c, cursor);
    for (int64_t b = cursor.batch; b < epoch.batches(); ++b)
      EXPECT_EQ(batch_of(resumed, c, b, 0, 3), batch_of(epoch, c, b, 0, 3));
  }
}

TEST(SequenceBatches, ResumeRefusesACursorOfOtherData) {
  const std::vector<int32_t> tokens = positions(400);
  const SequenceBatchConfig c = config(SequenceSampling::sequential, 3, 5);
  const SequenceEpoch epoch(tokens, c, 4);
  SequenceCursor other = epoch.cursor(1);
  other.offset = (epoch.offset() + 1) % 6;
  try {
    SequenceEpoch::resume(tokens, c, other);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the checkpoint's place in epoch 4 (offset " + std::to_string(other.offset) +
                  ", batch 1) is not one of this data's (offset " + std::to_string(epoch.offset()) +
                  ", " + std::to_string(epoch.batches()) +
                  " batches): another corpus, seed, batch size or num_steps");
  }
  EXPECT_THROW(SequenceEpoch::resume(tokens, c, epoch.cursor(epoch.batches() + 1)), UserError);
  EXPECT_NO_THROW(SequenceEpoch::resume(tokens, c, epoch.cursor(epoch.batches())));
}

// Random sampling at the largest offset (num_steps - 1) needs (batch_size + 1) * num_steps
// tokens for one batch; sequential at offset num_steps one more.
TEST(SequenceBatches, TooFewTokensForOneBatchAtEveryOffsetIsAnError) {
  EXPECT_NO_THROW(check_sequence_batches(15, config(SequenceSampling::random, 2, 5)));
  EXPECT_NO_THROW(check_sequence_batches(16, config(SequenceSampling::sequential, 2, 5)));
  try {
    check_sequence_batches(15, config(SequenceSampling::sequential, 2, 5));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "15 tokens are too few for one batch of 2 sequences of 5 tokens (sequential "
                 "sampling needs 16)");
  }
  EXPECT_THROW(check_sequence_batches(14, config(SequenceSampling::random, 2, 5)), UserError);
  EXPECT_THROW(check_sequence_batches(100, config(SequenceSampling::random, 0, 5)), UserError);
  // At the boundary every epoch, whatever its offset, has a batch.
  for (SequenceSampling sampling : kBoth)
    for (int64_t epoch = 0; epoch < 50; ++epoch) {
      const int64_t count = sampling == SequenceSampling::random ? 15 : 16;
      EXPECT_GE(SequenceEpoch(positions(count), config(sampling, 2, 5), epoch).batches(), 1);
    }
}

}  // namespace
}  // namespace hpsweep::testing
