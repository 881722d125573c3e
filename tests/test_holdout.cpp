// The validation and K-fold split (worker/data/holdout.h): stratified counts, determinism from
// the data seed, disjoint parts that cover the training set, and the folds' partition.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "worker/data/holdout.h"

namespace hpsweep {
namespace {

// 1000 samples of 3 classes in proportions 5:3:2, interleaved; input i holds the value i.
TrainTestData labelled_set() {
  TrainTestData data;
  const int64_t n = 1000;
  data.train.inputs = Tensor({n, 2});
  for (int64_t i = 0; i < n; ++i) {
    data.train.inputs[2 * i] = static_cast<float>(i);
    data.train.labels.push_back(i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2);
  }
  data.train.classes = 3;
  data.test = data.train.first(10);
  return data;
}

std::vector<int64_t> ids_of(const Dataset& set) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < set.size(); ++i) ids.push_back(static_cast<int64_t>(set.inputs[2 * i]));
  return ids;
}

TEST(Holdout, ValidationIsStratifiedDeterministicAndDisjoint) {
  DatasetConfig config;
  config.validation = 0.1;
  config.seed = 7;
  const TrainTestData data = labelled_set();
  const TrialData parts = split_trial_data(data, config);
  ASSERT_EQ(parts.validation.size(), 100);
  ASSERT_EQ(parts.train.size(), 900);
  int counts[3] = {0, 0, 0};
  for (int32_t label : parts.validation.labels) ++counts[label];
  EXPECT_EQ(counts[0], 50);
  EXPECT_EQ(counts[1], 30);
  EXPECT_EQ(counts[2], 20);
  // Labels travel with their inputs.
  for (int64_t i = 0; i < parts.validation.size(); ++i)
    EXPECT_EQ(parts.validation.labels[i], data.train.labels[ids_of(parts.validation)[i]]);
  std::vector<int64_t> all = ids_of(parts.train);
  const std::vector<int64_t> held = ids_of(parts.validation);
  EXPECT_TRUE(std::is_sorted(held.begin(), held.end()));
  all.insert(all.end(), held.begin(), held.end());
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), 1000u);
  // Same seed, same samples; another seed, others.
  EXPECT_EQ(ids_of(split_trial_data(data, config).validation), held);
  config.seed = 8;
  EXPECT_NE(ids_of(split_trial_data(data, config).validation), held);
  // A count works as the fraction does.
  config.validation = 100;
  EXPECT_EQ(split_trial_data(data, config).validation.size(), 100);
}

TEST(Holdout, LargestRemaindersMakeTheCountExact) {
  DatasetConfig config;
  config.validation = 7;  // 3.5, 2.1, 1.4: floors 3 + 2 + 1, the one left goes to class 0
  const TrainTestData data = labelled_set();
  const TrialData parts = split_trial_data(data, config);
  int counts[3] = {0, 0, 0};
  for (int32_t label : parts.validation.labels) ++counts[label];
  EXPECT_EQ(counts[0], 4);
  EXPECT_EQ(counts[1], 2);
  EXPECT_EQ(counts[2], 1);
}

TEST(Holdout, FoldsPartitionTheTrainingSetWithEveryClassInEach) {
  DatasetConfig config;
  config.kfold = 5;
  const TrainTestData data = labelled_set();
  std::vector<int64_t> seen;
  for (int64_t fold = 0; fold < 5; ++fold) {
    config.fold = fold;
    const TrialData parts = split_trial_data(data, config);
    EXPECT_EQ(parts.validation.size(), 200);
    EXPECT_EQ(parts.train.size(), 800);
    int counts[3] = {0, 0, 0};
    for (int32_t label : parts.validation.labels) ++counts[label];
    EXPECT_EQ(counts[0], 100);
    EXPECT_EQ(counts[1], 60);
    EXPECT_EQ(counts[2], 40);
    const std::vector<int64_t> held = ids_of(parts.validation);
    seen.insert(seen.end(), held.begin(), held.end());
  }
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 1000u);
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Holdout, SubsetIsAppliedFirstAndRegressionSetsSplitToo) {
  DatasetConfig config;
  config.train_subset = 100;
  config.validation = 0.25;
  const TrialData parts = split_trial_data(labelled_set(), config);
  EXPECT_EQ(parts.validation.size(), 25);
  for (int64_t id : ids_of(parts.validation)) EXPECT_LT(id, 100);

  TrainTestData regression;
  regression.train.inputs = Tensor({20, 1});
  regression.train.targets = Tensor({20, 1});
  for (int64_t i = 0; i < 20; ++i) regression.train.targets[i] = static_cast<float>(i);
  regression.test = regression.train;
  config = DatasetConfig{};
  config.validation = 5;
  const TrialData split = split_trial_data(regression, config);
  EXPECT_EQ(split.validation.size(), 5);
  EXPECT_EQ(split.train.size(), 15);
  EXPECT_EQ(split.validation.targets.shape(), (Shape{5, 1}));
}

TEST(Holdout, BadSettingsNameTheKey) {
  const auto message = [](DatasetConfig config, int64_t size) {
    try {
      validation_count(config, size);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  DatasetConfig config;
  config.validation = 1000;
  EXPECT_EQ(message(config, 1000),
            "dataset.validation: holds out 1000 of the 1000 training samples; it must leave at "
            "least one on each side");
  config.validation = 10.5;
  EXPECT_EQ(message(config, 1000),
            "dataset.validation: a count of samples (or a fraction below 1), got 10.5");
  config.validation = 0.1;
  config.kfold = 5;
  EXPECT_EQ(message(config, 1000),
            "dataset.validation and dataset.kfold: give one of them, not both");
  config.validation = 0;
  config.kfold = 1;
  EXPECT_EQ(message(config, 1000), "dataset.kfold: needs at least 2 folds, got 1 (0 turns it off)");
}

}  // namespace
}  // namespace hpsweep
