// End-to-end sweeps through the real coordinator, worker threads and HDF5 files, on a small
// synthetic Fashion-MNIST-shaped dataset: results read back from sweep.h5, bitwise
// determinism, training.finetune.from (init_from), divergence and interruption.
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 600, 200, 5); }

  SweepSpec spec(const std::string& body) {
    return parse_spec(
        "name: tiny\nseed: 11\nmethod: grid\ndataset: {path: " + (dir_ / "data").string() +
            "}\nmodel: {width: 32, init: he}\ntraining: {epochs: 3, batch_size: 50, lr: 0.1}\n" +
            body,
        "tiny.yaml");
  }

  SweepSummary run(const SweepSpec& s, const std::string& out, int workers = 2) {
    std::ostringstream log;
    std::atomic<bool> stop{false};
    return run_local_sweep(s, RunOptions{(dir_ / out).string(), workers, false}, stop, log);
  }

  SweepRecord record(const std::string& out) {
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  TempDir dir_;
};

constexpr const char* kGrid =
    "parameters:\n  model.dropout: {values: [0.0, 0.5]}\n  model.depth: {values: [1, 2]}\n";

// Every network of the zoo, reduced (width 8, shallow) and on images resized to 67x67, the
// smallest that AlexNet's and NiN's strides allow, trains through the real sweep loop: no
// divergence, the training loss falls, and each checkpoint holds the whole state. LeNet with
// sigmoids needs the book's large learning rate; the others train with momentum.
TEST_F(SweepTest, EveryConvolutionalNetworkTrainsThroughTheSweep) {
  const std::string data = "dataset: {path: " + (dir_ / "data").string() +
                           ", input_size: 67, train_subset: 200, test_subset: 100}\n"
                           "model: {width: 8, depth: 1, init: xavier}\n";
  const SweepSpec zoo = parse_spec(
      "name: zoo\nseed: 3\nmethod: grid\n" + data +
          "training: {epochs: 3, batch_size: 25, lr: 0.02, momentum: 0.9}\n"
          "parameters:\n  model.type: {values: [lenet-bn, alexnet, vgg, nin, googlenet, resnet, "
          "densenet]}\n",
      "zoo.yaml");
  const SweepSpec lenet = parse_spec("name: lenet\nseed: 3\nmethod: grid\n" + data +
                                         "training: {epochs: 3, batch_size: 25, lr: 0.9}\n"
                                         "parameters:\n  model.type: {values: [lenet]}\n",
                                     "lenet.yaml");
  for (const auto& [s, out] : {std::pair{zoo, "zoo"}, std::pair{lenet, "lenet"}}) {
    const SweepSummary summary = run(s, out);
    EXPECT_EQ(summary.counts.at(TrialStatus::completed),
              static_cast<int>(s.parameters[0].values.size()));
    for (const TrialRecord& t : record(out).trials) {
      const std::string type = std::get<std::string>(t.swept[0].value);
      EXPECT_EQ(t.status, TrialStatus::completed) << type << ": " << t.message;
      ASSERT_EQ(t.epochs(), 3) << type;
      EXPECT_LT(t.curves.at("train_loss")[2], t.curves.at("train_loss")[0]) << type;
      const CheckpointData c =
          read_checkpoint_file((dir_ / out / "checkpoints" / (trial_name(t.id) + ".h5")).string());
      // The state has every parameter and buffer; momentum, for the parameters only.
      size_t buffers = 0;
      for (const NamedTensor& p : c.params)
        buffers += p.name.find("running_") != std::string::npos ||
                   p.name.find("num_batches_tracked") != std::string::npos;
      EXPECT_EQ(buffers > 0, type == "lenet-bn" || type == "resnet" || type == "densenet") << type;
      if (c.optimizer.momentum > 0) {
        ASSERT_EQ(c.optimizer.buffers.size(), 1u) << type;
        EXPECT_EQ(c.optimizer.buffers[0].tensors.size(), c.params.size() - buffers) << type;
      }
    }
  }
}

TEST_F(SweepTest, RecordsEveryTrialEpochAndCheckpoint) {
  const SweepSummary summary = run(spec(kGrid), "out");
  EXPECT_EQ(summary.counts.at(TrialStatus::completed), 4);
  EXPECT_FALSE(summary.interrupted);
  const SweepRecord r = record("out");
  ASSERT_EQ(r.trials.size(), 4u);
  for (const TrialRecord& t : r.trials) {
    EXPECT_EQ(t.status, TrialStatus::completed);
    ASSERT_EQ(t.epochs(), 3);
    EXPECT_EQ(t.curves.at("epoch"), (std::vector<double>{1, 2, 3}));
    EXPECT_LT(t.curves.at("train_loss").back(), t.curves.at("train_loss").front())
        << "loss must fall";
    EXPECT_LT(t.curves.at("test_error").back(), 0.5) << "the synthetic classes are learnable";
    EXPECT_GT(t.curves.at("samples_per_second").back(), 0);
    const CheckpointData c =
        read_checkpoint_file((dir_ / "out" / "checkpoints" / (trial_name(t.id) + ".h5")).string());
    EXPECT_EQ(c.epoch, 3);
    EXPECT_EQ(c.seed, t.seed);
    EXPECT_EQ(c.optimizer.steps, 3 * 12);  // 600 samples / batch 50, 3 epochs
    EXPECT_EQ(c.params.front().name, "1.weight");
    EXPECT_EQ(c.params.front().tensor.shape(), (Shape{32, 784}));
    const auto& test_error = t.curves.at("test_error");
    EXPECT_EQ(c.best_metric, *std::min_element(test_error.begin(), test_error.end()));
  }
  EXPECT_EQ(std::get<double>(r.trials[2].swept[0].value), 0.5);
  EXPECT_EQ(std::get<int64_t>(r.trials[1].swept[1].value), 2);
}

TEST_F(SweepTest, SameSpecTwiceGivesBitwiseIdenticalCurves) {
  // Different worker counts change which thread runs which trial, never a trial's results.
  run(spec(kGrid), "a", 2);
  run(spec(kGrid), "b", 1);
  const SweepRecord a = record("a"), b = record("b");
  for (size_t i = 0; i < a.trials.size(); ++i)
    for (const char* curve : {"train_loss", "train_error", "test_loss", "test_error"})
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
          << "trial " << i << " " << curve;
  // Dropout changes the trajectory: the comparison above is not trivially true.
  EXPECT_NE(a.trials[0].curves.at("train_loss"), a.trials[2].curves.at("train_loss"));
}

TEST_F(SweepTest, InitFromStartsAtTheCheckpointAndRejectsAnotherArchitecture) {
  run(spec(""), "first", 1);
  const std::string checkpoint = (dir_ / "first" / "checkpoints" / "0000.h5").string();
  // One more epoch from the trained parameters starts far better than a fresh model's first epoch.
  SweepSpec fine_tune = spec("");
  fine_tune.base.training.finetune.from = checkpoint;
  fine_tune.base.training.epochs = 1;
  run(fine_tune, "second", 1);
  EXPECT_LT(record("second").trials[0].curves.at("train_loss")[0],
            record("first").trials[0].curves.at("train_loss")[0] / 2);

  SweepSpec wider = fine_tune;
  wider.base.model.width = 64;
  try {
    run(wider, "third", 1);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "tiny.yaml: training.finetune.from: trial 0000: " + checkpoint +
                  ": architecture differs from the trial's model: 1.weight has shape [32, "
                  "784] in the checkpoint, [64, 784] in the model");
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "third")) << "nothing is written for bad input";
}

TEST_F(SweepTest, DivergedTrialsAreRecordedAndTheSweepGoesOn) {
  run(spec("parameters:\n  training.lr: {values: [1.0e+30, 0.1]}\n"), "out");
  const SweepRecord r = record("out");
  EXPECT_EQ(r.trials[0].status, TrialStatus::diverged);
  EXPECT_NE(r.trials[0].message.find("loss became"), std::string::npos) << r.trials[0].message;
  EXPECT_EQ(r.trials[1].status, TrialStatus::completed);
}

TEST_F(SweepTest, TooLargeSubsetIsRejectedBeforeWriting) {
  try {
    run(spec("parameters:\n  dataset.train_subset: {values: [100, 601]}\n"), "out");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "dataset.train_subset: 601 is more than the 600 samples in " +
                                         (dir_ / "data").string());
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

TEST_F(SweepTest, ResizedAndAugmentedTrialsTrainAndRepeatBitwise) {
  SweepSpec s = spec(
      "parameters:\n  dataset.input_size: {values: [0, 20]}\n  dataset.flip: {values: [false, "
      "true]}\n");
  s.base.dataset.crop_padding = 2;
  run(s, "a", 2);
  run(s, "b", 1);
  const SweepRecord a = record("a"), b = record("b");
  ASSERT_EQ(a.trials.size(), 4u);
  for (size_t i = 0; i < a.trials.size(); ++i) {
    EXPECT_EQ(a.trials[i].status, TrialStatus::completed) << a.trials[i].message;
    EXPECT_LT(a.trials[i].curves.at("train_loss").back(),
              a.trials[i].curves.at("train_loss").front());
    for (const char* curve : {"train_loss", "test_loss"})
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve)) << i << curve;
  }
  EXPECT_NE(a.trials[0].curves.at("train_loss"), a.trials[1].curves.at("train_loss"))
      << "the flips change training";
  const auto first_weight = [&](int trial) {
    const std::string path = (dir_ / "a" / "checkpoints" / (trial_name(trial) + ".h5")).string();
    return read_checkpoint_file(path).params.front().tensor.shape();
  };
  EXPECT_EQ(first_weight(0), (Shape{32, 784}));
  EXPECT_EQ(first_weight(2), (Shape{32, 400})) << "the model is built for 20x20 inputs";
}

TEST_F(SweepTest, ImageOptionsForASetWithoutImagesAreRejectedBeforeWriting) {
  SweepSpec s = spec("parameters:\n  dataset.input_size: {values: [0, 32]}\n");
  s.base.dataset.name = "polynomial";
  s.base.model.type = "linear";
  try {
    run(s, "out");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "dataset.input_size: applies to fashion-mnist or fmnist-detection images only, not the "
        "polynomial set");
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

TEST_F(SweepTest, AStopRequestedBeforeTheStartStartsNothing) {
  // (Stopping running trials is tested through the binary: tests/test_cli.cpp, Ctrl-C.)
  std::ostringstream log;
  std::atomic<bool> stop{true};
  const SweepSummary summary =
      run_local_sweep(spec(kGrid), RunOptions{(dir_ / "out").string(), 2, false}, stop, log);
  EXPECT_TRUE(summary.interrupted);
  for (const TrialRecord& t : record("out").trials) EXPECT_EQ(t.status, TrialStatus::pending);
}

}  // namespace
}  // namespace hpsweep::testing
