// HDF5 round trips: sweep.h5 curves and statuses, checkpoints, and atomic replacement.
#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/spec.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/gradient_check.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

SweepSpec two_trial_spec() {
  return parse_spec(
      "name: st\nmethod: grid\nparameters:\n  training.lr: {values: [0.1, 0.2]}\n  "
      "model.activation: {values: [tanh]}\n",
      "st.yaml");
}

EpochMetrics metrics(int64_t epoch) {
  EpochMetrics m;
  m.epoch = epoch;
  m.train_loss = 1.0 / epoch;
  m.train_error = 0.5 / epoch;
  m.test_loss = 1.1 / epoch;
  m.test_error = 0.6 / epoch;
  m.val_loss = 1.2 / epoch;
  m.val_error = 0.7 / epoch;
  m.train_eval_loss = 0.9 / epoch;
  m.train_eval_error = 0.4 / epoch;
  m.wall_seconds = 2.5;
  m.samples_per_second = 1000 + epoch;
  m.lr = 0.1 / epoch;
  m.grad_norm_mean = 3.0 / epoch;
  m.grad_norm_max = 4.0 / epoch;
  m.train_perplexity = 2.7 / epoch;
  m.test_perplexity = 3.3 / epoch;
  m.train_box_mae = 0.05 / epoch;
  m.test_box_mae = 0.06 / epoch;
  m.test_map50 = 0.8 - 0.1 / epoch;
  m.test_map50_95 = 0.5 - 0.1 / epoch;
  return m;
}

TEST(SweepFile, RoundTripsStatusesSweptValuesAndCurves) {
  TempDir dir;
  const SweepSpec spec = two_trial_spec();
  const auto trials = expand_trials(spec);
  const std::string path = (dir / "sweep.h5").string();
  {
    SweepWriter writer(path, spec, trials);
    writer.set_status(1, TrialStatus::running);
    for (int64_t e = 1; e <= 3; ++e) writer.append_epoch(1, metrics(e));
    writer.set_status(1, TrialStatus::diverged, "loss became nan");
    writer.flush();
    // Readable while the writer still holds the file open.
    EXPECT_EQ(read_sweep_file(path).trials[1].epochs(), 3);
  }
  const SweepRecord record = read_sweep_file(path);
  EXPECT_EQ(record.name, "st");
  EXPECT_EQ(record.spec_text, spec.yaml_text);
  EXPECT_EQ(record.swept_parameters, (std::vector<std::string>{"training.lr", "model.activation"}));
  ASSERT_EQ(record.trials.size(), 2u);
  EXPECT_EQ(record.trials[0].status, TrialStatus::pending);
  EXPECT_EQ(record.trials[0].epochs(), 0);
  const TrialRecord& t = record.trials[1];
  EXPECT_EQ(t.status, TrialStatus::diverged);
  EXPECT_EQ(t.message, "loss became nan");
  EXPECT_EQ(t.seed, trials[1].seed);
  EXPECT_EQ(std::get<double>(t.swept[0].value), 0.2);
  EXPECT_EQ(std::get<std::string>(t.swept[1].value), "tanh");
  for (const std::string& name : curve_names())
    for (int64_t e = 1; e <= 3; ++e)
      EXPECT_EQ(t.curves.at(name)[e - 1], curve_value(metrics(e), name)) << name;
}

TEST(SweepFile, ReplacesAnEarlierFileAndRejectsForeignFiles) {
  TempDir dir;
  const SweepSpec spec = two_trial_spec();
  const std::string path = (dir / "sweep.h5").string();
  {
    SweepWriter writer(path, spec, expand_trials(spec));
    writer.append_epoch(0, metrics(1));
  }
  { SweepWriter rebuilt(path, spec, expand_trials(spec)); }  // as a resume rebuilds it
  EXPECT_EQ(read_sweep_file(path).trials[0].epochs(), 0);
  std::ofstream(dir / "junk.h5") << "not hdf5";
  EXPECT_THROW(read_sweep_file((dir / "junk.h5").string()), UserError);
}

TEST(SweepFile, TruncatesCurvesForARetry) {
  TempDir dir;
  const SweepSpec spec = two_trial_spec();
  const std::string path = (dir / "sweep.h5").string();
  SweepWriter writer(path, spec, expand_trials(spec));
  for (int64_t e = 1; e <= 4; ++e) writer.append_epoch(1, metrics(e));
  writer.truncate_curves(1, 2);
  writer.append_epoch(1, metrics(3));
  writer.flush();
  EXPECT_EQ(read_sweep_file(path).trials[1].curves.at("epoch"), (std::vector<double>{1, 2, 3}));
}

CheckpointData sample_checkpoint() {
  CheckpointData c;
  c.trial_id = 7;
  c.epoch = 4;
  c.seed = 0xfedcba9876543210ULL;
  c.params = {{"1.weight", random_tensor({3, 5}, 1)}, {"1.bias", random_tensor({3}, 2)}};
  c.best_params = {{"1.weight", random_tensor({3, 5}, 3)}, {"1.bias", random_tensor({3}, 4)}};
  c.best_epoch = 2;
  c.metric_name = "test_error";
  c.best_metric = 0.125;
  c.optimizer.type = "adam";
  c.optimizer.lr = 0.1;
  c.optimizer.weight_decay = 0.001;
  c.optimizer.steps = 123;
  c.optimizer.beta1 = 0.8;
  c.optimizer.beta2 = 0.99;
  c.optimizer.eps = 1e-7;
  // In forward order, which is not HDF5's alphabetical order of the datasets.
  for (const char* kind : {"exp_avg", "exp_avg_sq"})
    c.optimizer.buffers.push_back(
        {kind, {{"1.weight", random_tensor({3, 5}, 5)}, {"1.bias", random_tensor({3}, 6)}}});
  for (int64_t e = 1; e <= 4; ++e) c.history.push_back(metrics(e));
  return c;
}

void expect_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    ASSERT_EQ(a[i].tensor.shape(), b[i].tensor.shape());
    for (int64_t j = 0; j < a[i].tensor.size(); ++j) EXPECT_EQ(a[i].tensor[j], b[i].tensor[j]);
  }
}

TEST(CheckpointFile, RoundTripsEverything) {
  TempDir dir;
  const std::string path = (dir / "c.h5").string();
  const CheckpointData written = sample_checkpoint();
  write_checkpoint_file(path, written);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const CheckpointData read = read_checkpoint_file(path);
  EXPECT_EQ(read.trial_id, 7);
  EXPECT_EQ(read.epoch, 4);
  EXPECT_EQ(read.seed, written.seed);
  EXPECT_EQ(read.best_epoch, 2);
  EXPECT_EQ(read.best_metric, 0.125);
  EXPECT_EQ(read.metric_name, "test_error");
  EXPECT_EQ(read.optimizer.type, "adam");
  EXPECT_EQ(read.optimizer.lr, 0.1);
  EXPECT_EQ(read.optimizer.steps, 123);
  EXPECT_EQ(read.optimizer.weight_decay, 0.001);
  EXPECT_EQ(read.optimizer.beta1, 0.8);
  EXPECT_EQ(read.optimizer.beta2, 0.99);
  EXPECT_EQ(read.optimizer.eps, 1e-7);
  ASSERT_EQ(read.optimizer.buffers.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(read.optimizer.buffers[i].kind, written.optimizer.buffers[i].kind);
    expect_same_tensors(read.optimizer.buffers[i].tensors, written.optimizer.buffers[i].tensors);
  }
  expect_same_tensors(read.params, written.params);
  expect_same_tensors(read.best_params, written.best_params);
  ASSERT_EQ(read.history.size(), 4u);
  for (const std::string& name : curve_names())
    EXPECT_EQ(curve_value(read.history[3], name), curve_value(written.history[3], name)) << name;
  const CheckpointProgress progress = read_checkpoint_progress(path);
  EXPECT_EQ(progress.epoch, 4);
  EXPECT_EQ(progress.history.size(), 4u);
}

TEST(CheckpointFile, KeepsSgdMomentumAndReadsCheckpointsFromBeforeIt) {
  TempDir dir;
  const std::string path = (dir / "c.h5").string();
  CheckpointData c = sample_checkpoint();
  c.optimizer = {};
  c.optimizer.steps = 40;
  c.optimizer.momentum = 0.9;
  c.optimizer.buffers.push_back({"momentum_buffer", c.params});
  write_checkpoint_file(path, c);
  const OptimizerState read = read_checkpoint_file(path).optimizer;
  EXPECT_EQ(read.type, "sgd");
  EXPECT_EQ(read.momentum, 0.9);
  ASSERT_EQ(read.buffers.size(), 1u);
  EXPECT_EQ(read.buffers[0].kind, "momentum_buffer");
  expect_same_tensors(read.buffers[0].tensors, c.params);

  // What plain SGD wrote before momentum existed: no `momentum` attribute, no buffers.
  c.optimizer = {};
  c.optimizer.steps = 40;
  write_checkpoint_file(path, c);
  H5::H5File(path, H5F_ACC_RDWR).openGroup("optimizer").removeAttr("momentum");
  const OptimizerState old = read_checkpoint_file(path).optimizer;
  EXPECT_EQ(old.type, "sgd");
  EXPECT_EQ(old.steps, 40);
  EXPECT_EQ(old.momentum, 0.0);
  EXPECT_TRUE(old.buffers.empty());
}

TEST(CheckpointFile, AFailedWriteLeavesThePreviousCheckpoint) {
  TempDir dir;
  const std::string path = (dir / "c.h5").string();
  write_checkpoint_file(path, sample_checkpoint());
  CheckpointData broken = sample_checkpoint();
  broken.epoch = 5;
  broken.params.push_back(broken.params[0]);  // a duplicate dataset name makes HDF5 fail mid-write
  EXPECT_THROW(write_checkpoint_file(path, broken), Error);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(read_checkpoint_file(path).epoch, 4);
}

TEST(CheckpointFile, UnreadableFilesNameThemselves) {
  TempDir dir;
  std::ofstream(dir / "bad.h5") << "garbage";
  try {
    read_checkpoint_file((dir / "bad.h5").string());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  (dir / "bad.h5").string() + ": not a readable hpsweep checkpoint", 0),
              0u);
  }
}

// An earlier run's writer (an orphaned rank) cannot replace a checkpoint once a later run of
// the folder has started: its write is refused naming the file, the file stays the later
// run's, and no temporary file is left. Each run's temporary files have names of their own.
TEST(RunFence, AnEarlierRunsWriterIsRefusedOnceALaterRunStarted) {
  TempDir dir;
  const std::string out = dir.path().string();
  std::filesystem::create_directories(dir / "checkpoints");
  EXPECT_EQ(current_run_generation(out), 0);
  const RunFence first{out, advance_run_generation(out)};
  EXPECT_EQ(first.generation, 1);
  const std::string path = checkpoint_path(out, 0);
  CheckpointData checkpoint = sample_checkpoint();
  write_checkpoint_file(path, checkpoint, first);
  EXPECT_EQ(read_checkpoint_progress(path).epoch, checkpoint.epoch);

  const RunFence second{out, advance_run_generation(out)};
  EXPECT_EQ(second.generation, 2);
  EXPECT_NE(temporary_path(path, first), temporary_path(path, second));
  CheckpointData later = checkpoint;
  later.epoch += 1;
  later.history.push_back(later.history.back());
  try {
    write_checkpoint_file(path, later, first);
    ADD_FAILURE() << "the earlier run wrote";
  } catch (const SupersededError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": not written: run 1 of " + out + " is over, run 2 has started");
  }
  EXPECT_EQ(read_checkpoint_progress(path).epoch, checkpoint.epoch) << "the file is untouched";
  EXPECT_FALSE(std::filesystem::exists(temporary_path(path, first)));
  write_checkpoint_file(path, later, second);
  EXPECT_EQ(read_checkpoint_progress(path).epoch, later.epoch);
  // A killed writer's temporary file is removed by a later run, not the current run's.
  std::ofstream(temporary_path(path, first)) << "half a checkpoint";
  std::ofstream(temporary_path(path, second)) << "being written";
  remove_earlier_temporaries((dir / "checkpoints").string(), second.generation);
  EXPECT_FALSE(std::filesystem::exists(temporary_path(path, first)));
  EXPECT_TRUE(std::filesystem::exists(temporary_path(path, second)));
  // A folder made anew by --restart continues the numbers of the one moved aside.
  TempDir other;
  EXPECT_EQ(advance_run_generation(other.path().string(), current_run_generation(out)), 3);
}

}  // namespace
}  // namespace hpsweep::testing
