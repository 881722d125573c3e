// dataset.classes and dataset.train_per_class (worker/data/class_selection.h): relabelling in
// the listed order, exact per-class counts in file order, the test set cut to the same
// classes, the order with train_subset and the holdout, the spec's errors at their place, and
// a tiny sweep on synthetic Fashion-MNIST whose model has one output per listed class.
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.h"
#include "common/spec.h"
#include "common/spec_limits.h"
#include "common/trial.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/data/class_selection.h"
#include "worker/data/holdout.h"

namespace hpsweep::testing {
namespace {

// n samples of 10 classes, sample i of class i % 10 (i % 7 for the test set, so the two
// differ); input i holds the value i.
Dataset numbered_set(int64_t n, int modulus) {
  Dataset set;
  set.inputs = Tensor({n, 1});
  for (int64_t i = 0; i < n; ++i) {
    set.inputs[i] = static_cast<float>(i);
    set.labels.push_back(static_cast<int32_t>(i % modulus));
  }
  set.classes = 10;
  return set;
}

std::vector<int64_t> ids_of(const Dataset& set) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < set.size(); ++i) ids.push_back(static_cast<int64_t>(set.inputs[i]));
  return ids;
}

std::vector<int32_t> labels_of(const Dataset& set) {
  return set.labels;
}

TEST(ClassSelection, RelabelsInTheListedOrderAndKeepsFileOrder) {
  const Dataset selected = select_classes(numbered_set(30, 10), {7, 2}, 0);
  EXPECT_EQ(selected.classes, 2);
  EXPECT_EQ(ids_of(selected), (std::vector<int64_t>{2, 7, 12, 17, 22, 27}));
  EXPECT_EQ(labels_of(selected), (std::vector<int32_t>{1, 0, 1, 0, 1, 0}));
}

TEST(ClassSelection, TakesTheFirstNOfEachClassInFileOrder) {
  const Dataset selected = select_classes(numbered_set(100, 10), {5, 6}, 3);
  EXPECT_EQ(ids_of(selected), (std::vector<int64_t>{5, 6, 15, 16, 25, 26}));
  EXPECT_EQ(labels_of(selected), (std::vector<int32_t>{0, 1, 0, 1, 0, 1}));
  // Without a class list: every class, labels kept.
  const Dataset every = select_classes(numbered_set(100, 10), {}, 2);
  EXPECT_EQ(every.classes, 10);
  EXPECT_EQ(every.size(), 20);
  EXPECT_EQ(ids_of(every).back(), 19);
  EXPECT_EQ(every.labels[13], 3);
}

TEST(ClassSelection, TooFewSamplesOfAClassIsAnError) {
  try {
    select_classes(numbered_set(25, 10), {1, 6}, 3);  // class 6: samples 6 and 16
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "dataset.train_per_class: class 6 has 2 training samples, fewer than 3");
  }
}

TEST(ClassSelection, SubsetsFirstThenClassesThenTheHoldoutAndTheTestSetFollows) {
  TrainTestData data{numbered_set(1000, 10), numbered_set(70, 7)};
  DatasetConfig config;
  config.train_subset = 500;
  config.classes = {9, 0, 4};
  config.train_per_class = 40;
  config.validation = 30;
  const TrialData parts = split_trial_data(data, config);
  // 40 of each of 3 classes from the first 500 samples, 10 of each held out.
  EXPECT_EQ(parts.train.size() + parts.validation.size(), 120);
  EXPECT_EQ(parts.validation.size(), 30);
  int counts[3] = {0, 0, 0};
  for (int32_t label : parts.validation.labels) ++counts[label];
  EXPECT_EQ(counts[0], 10);
  EXPECT_EQ(counts[1], 10);
  EXPECT_EQ(counts[2], 10);
  for (const Dataset* part : {&parts.train, &parts.validation}) {
    EXPECT_EQ(part->classes, 3);
    for (int64_t i = 0; i < part->size(); ++i) {
      const int64_t id = ids_of(*part)[i];
      EXPECT_LT(id, 400);  // class 9's 40th sample is 399
      EXPECT_EQ(config.classes[part->labels[i]], id % 10);
    }
  }
  // The test set: its samples of classes 9, 0 and 4 (class i % 7: none is 9), relabelled.
  EXPECT_EQ(parts.test.classes, 3);
  for (int64_t i = 0; i < parts.test.size(); ++i)
    EXPECT_EQ(config.classes[parts.test.labels[i]], ids_of(parts.test)[i] % 7);
  EXPECT_EQ(parts.test.size(), 20);
  // Deterministic: the same parts again.
  const TrialData again = split_trial_data(data, config);
  EXPECT_EQ(ids_of(again.train), ids_of(parts.train));
  EXPECT_EQ(ids_of(again.validation), ids_of(parts.validation));
  EXPECT_EQ(ids_of(again.test), ids_of(parts.test));
}

std::string spec_error(const std::string& body) {
  try {
    parse_spec("method: grid\n" + body, "s.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ClassSubsetSpec, ErrorsNameTheFileLineColumnAndKey) {
  EXPECT_EQ(spec_error("dataset: {classes: [5, 10]}\n"),
            "s.yaml:2:24: dataset.classes: class 10 is not one of fashion-mnist's classes 0..9");
  EXPECT_EQ(spec_error("dataset: {classes: [5, 6, 5]}\n"),
            "s.yaml:2:20: dataset.classes: item 3: 5 is listed twice");
  EXPECT_EQ(spec_error("dataset: {classes: []}\n"),
            "s.yaml:2:20: dataset.classes: expected a non-empty list");
  EXPECT_EQ(spec_error("dataset: {classes: 5}\n"),
            "s.yaml:2:20: dataset.classes: expected a list of integers [a, b, ...]");
  EXPECT_EQ(spec_error("dataset: {classes: [-1]}\n"),
            "s.yaml:2:20: dataset.classes: item 1: must be >= 0, got -1");
  EXPECT_EQ(spec_error("dataset: {classes: [a]}\n"),
            "s.yaml:2:21: dataset.classes: expected an integer, got 'a'");
  EXPECT_EQ(spec_error("dataset: {train_per_class: 0}\n"),
            "s.yaml:2:28: dataset.train_per_class: must be >= 1, got 0");
  EXPECT_EQ(spec_error("dataset: {name: polynomial, classes: [1]}\n"),
            "s.yaml:2:38: dataset.classes: the polynomial set has real targets, not classes");
  EXPECT_EQ(spec_error("dataset: {name: linear-regression, train_per_class: 3}\n"),
            "s.yaml:2:53: dataset.train_per_class: the linear-regression set has real targets, "
            "not classes");
  // Swept: each list is checked where it is written.
  EXPECT_EQ(spec_error("parameters:\n  dataset.classes: {values: [[0, 1], [2, 12]]}\n"),
            "s.yaml:3:42: dataset.classes: class 12 is not one of fashion-mnist's classes 0..9");
}

TEST(ClassSubsetSpec, ListsAreValuesLikeAnyOther) {
  const SweepSpec spec = parse_spec(
      "method: grid\ndataset: {train_per_class: 50}\n"
      "parameters:\n  dataset.classes: {values: [[5, 6, 7, 8, 9], all]}\n",
      "s.yaml");
  EXPECT_TRUE(spec.base.dataset.classes.empty());
  ASSERT_EQ(spec.parameters[0].values.size(), 2u);
  EXPECT_EQ(value_string(spec.parameters[0].values[0]), "5, 6, 7, 8, 9");
  TrialConfig config = spec.base;
  find_config_field("dataset.classes")->set(config, spec.parameters[0].values[0]);
  EXPECT_EQ(config.dataset.classes, (std::vector<int64_t>{5, 6, 7, 8, 9}));
  EXPECT_NE(config_text(config).find("dataset.classes: 5, 6, 7, 8, 9\n"), std::string::npos);
  EXPECT_NE(config_text(config).find("dataset.train_per_class: 50\n"), std::string::npos);
  // The model's outputs follow the 5 classes.
  ModelConfig softmax;
  softmax.type = "softmax";
  EXPECT_EQ(estimate_parameters(softmax, config.dataset), 785 * 5);
}

class ClassSubsetSweep : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 600, 200, 5); }

  SweepSpec spec(const std::string& dataset_keys) {
    return parse_spec("name: few\nseed: 3\nmethod: grid\ndataset: {path: " +
                          (dir_ / "data").string() + ", " + dataset_keys +
                          "}\nmodel: {type: softmax}\ntraining: {epochs: 2, batch_size: 20, "
                          "lr: 0.1}\nparameters:\n  training.lr: {values: [0.1, 0.2]}\n",
                      "few.yaml");
  }

  TempDir dir_;
};

TEST_F(ClassSubsetSweep, TooFewImagesOfAClassIsRefusedAtTheKeyBeforeTheSweep) {
  const std::vector<int64_t> counts =
      count_fashion_mnist_train_classes((dir_ / "data").string(), 0);  // about 60 of each class
  try {
    load_sweep_inputs(spec("classes: [2, 7], train_per_class: 1000"), DataUse::validate);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "few.yaml:4:" + std::to_string(53 + (dir_ / "data").string().size()) +
                  ": dataset.train_per_class: class 2 has " + std::to_string(counts[2]) +
                  " training samples, fewer than 1000 in " + (dir_ / "data").string());
  }
}

TEST_F(ClassSubsetSweep, ATinySweepTrainsOnTheListedClassesWithOneOutputEach) {
  const SweepSpec s = spec("classes: [5, 6, 7], train_per_class: 20, validation: 15");
  std::ostringstream log;
  std::atomic<bool> stop{false};
  const SweepSummary summary =
      run_local_sweep(s, RunOptions{(dir_ / "out").string(), 2, false}, stop, log);
  EXPECT_EQ(summary.counts.at(TrialStatus::completed), 2);
  const SweepRecord record = read_sweep_file((dir_ / "out" / "sweep.h5").string());
  for (const TrialRecord& t : record.trials) {
    ASSERT_EQ(t.epochs(), 2);
    EXPECT_LT(t.curves.at("val_error")[1], 2.0 / 3.0) << "better than chance on 3 classes";
    const CheckpointData c =
        read_checkpoint_file((dir_ / "out" / "checkpoints" / (trial_name(t.id) + ".h5")).string());
    // softmax: Linear(784, 3).
    int64_t parameters = 0;
    for (const NamedTensor& p : c.params) parameters += p.tensor.size();
    EXPECT_EQ(parameters, 785 * 3);
  }
}

}  // namespace
}  // namespace hpsweep::testing
