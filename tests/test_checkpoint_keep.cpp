// Checkpoint retention (`checkpoint.keep`, docs/spec.md): a trial that has ended for good keeps
// of its checkpoint what the spec says (last, best, both or none; the curves always), a trial
// that may still go on keeps all that resuming needs (its last state; /best unless keep is
// last or none), so ASHA's paused trials are promoted and PBT's exploits copy as before; a
// sweep stopped and resumed under `none` or `best` ends bitwise as an uninterrupted one;
// init_from names what a reduced checkpoint lacks; `analyze` and `report` need no checkpoint.
#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/stopped_sweep.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

const std::vector<std::string> kKeeps = {"last", "best", "both", "none"};

Tensor tensor_of(Shape shape, float start) {
  Tensor t(shape);
  for (int64_t i = 0; i < t.size(); ++i) t[i] = start + 0.25f * static_cast<float>(i);
  return t;
}

CheckpointData sample_checkpoint() {
  CheckpointData c;
  c.trial_id = 3;
  c.epoch = 4;
  c.seed = 99;
  c.params = {{"1.weight", tensor_of({2, 3}, 1)}, {"1.bias", tensor_of({2}, 2)}};
  c.best_params = {{"1.weight", tensor_of({2, 3}, 3)}, {"1.bias", tensor_of({2}, 4)}};
  c.best_epoch = 2;
  c.metric_name = "test_error";
  c.best_metric = 0.25;
  c.optimizer.steps = 40;
  c.optimizer.momentum = 0.9;
  c.optimizer.buffers.push_back({"momentum_buffer", c.params});
  for (int64_t e = 1; e <= 4; ++e) {
    EpochMetrics m;
    m.epoch = e;
    m.train_loss = 1.0 / static_cast<double>(e);
    m.test_error = 0.5 - 0.0625 * static_cast<double>(e);
    c.history.push_back(m);
  }
  return c;
}

// The file's top-level members and its `keep` attribute ("" when absent).
std::pair<std::vector<std::string>, std::string> layout(const std::string& path) {
  H5::H5File file(path, H5F_ACC_RDONLY);
  std::vector<std::string> members;
  for (hsize_t i = 0; i < file.getNumObjs(); ++i) members.push_back(file.getObjnameByIdx(i));
  std::string keep;
  if (file.attrExists("keep")) {
    H5::Attribute a = file.openAttribute("keep");
    a.read(a.getStrType(), keep);
  }
  return {members, keep};
}

void expect_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b,
                         const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t p = 0; p < a.size(); ++p) {
    EXPECT_EQ(a[p].name, b[p].name) << what;
    ASSERT_EQ(a[p].tensor.size(), b[p].tensor.size()) << what;
    for (int64_t i = 0; i < a[p].tensor.size(); ++i)
      ASSERT_EQ(a[p].tensor[i], b[p].tensor[i]) << what << " " << a[p].name;
  }
}

TEST(CheckpointKeep, RetainLeavesWhatEachValueSaysAndIsIdempotent) {
  TempDir dir;
  const CheckpointData full = sample_checkpoint();
  const std::map<std::string, std::vector<std::string>> members = {
      {"both", {"best", "curves", "optimizer", "params", "params_order", "rng"}},
      {"last", {"curves", "optimizer", "params", "params_order", "rng"}},
      {"best", {"best", "curves"}},
      {"none", {"curves"}},
  };
  for (const std::string& keep : kKeeps) {
    const std::string path = (dir / (keep + ".h5")).string();
    write_checkpoint_file(path, full);
    EXPECT_EQ(retain_checkpoint(path, keep), keep != "both") << keep;
    EXPECT_FALSE(retain_checkpoint(path, keep)) << keep << ": a second call has nothing to do";
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    const auto [names, attribute] = layout(path);
    EXPECT_EQ(names, members.at(keep)) << keep;
    EXPECT_EQ(attribute, keep == "both" ? "" : keep);

    const CheckpointData c = read_checkpoint_parts(path);
    EXPECT_EQ(c.has_last, keep == "last" || keep == "both") << keep;
    EXPECT_EQ(c.has_best, keep == "best" || keep == "both") << keep;
    EXPECT_EQ(c.epoch, 4);
    EXPECT_EQ(c.trial_id, 3);
    ASSERT_EQ(c.history.size(), 4u) << keep << ": the curves always stay";
    EXPECT_EQ(c.history[2].test_error, full.history[2].test_error);
    if (c.has_last) {
      expect_same_tensors(c.params, full.params, keep);
      expect_same_tensors(c.optimizer.buffers.at(0).tensors, full.optimizer.buffers[0].tensors,
                          keep);
      EXPECT_EQ(c.optimizer.steps, 40);
      EXPECT_EQ(c.seed, 99u);
    }
    if (c.has_best) {
      expect_same_tensors(c.best_params, full.best_params, keep);
      EXPECT_EQ(c.best_epoch, 2);
      EXPECT_EQ(c.best_metric, 0.25);
    }
    const CheckpointProgress progress = read_checkpoint_progress(path);
    EXPECT_EQ(progress.keep, keep);
    EXPECT_EQ(progress.epoch, 4);
    EXPECT_EQ(progress.history.size(), 4u);
  }
  // A missing file (a trial that ended before its first epoch) is no error.
  EXPECT_FALSE(retain_checkpoint((dir / "missing.h5").string(), "none"));
}

TEST(CheckpointKeep, ReadingTheLastStateOfAReducedCheckpointNamesWhy) {
  TempDir dir;
  for (const std::string keep : {"best", "none"}) {
    const std::string path = (dir / (keep + ".h5")).string();
    write_checkpoint_file(path, sample_checkpoint());
    retain_checkpoint(path, keep);
    try {
      read_checkpoint_file(path);
      ADD_FAILURE() << keep;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()),
                path + ": holds no last parameters: its trial finished under `checkpoint.keep: " +
                    keep + "`, which keeps " +
                    (keep == "best" ? "/best/params and the curves" : "only the curves"));
    }
  }
  // `last` keeps what training.init_from reads and what resuming reads (a trial whose
  // checkpoint.keep is last or none never writes /best, not even while it runs).
  std::filesystem::create_directories(dir / "checkpoints");
  const std::string last = checkpoint_path(dir.path().string(), 3);
  write_checkpoint_file(last, sample_checkpoint());
  retain_checkpoint(last, "last");
  const CheckpointData resumed = read_resume_checkpoint(dir.path().string(), 3, 4);
  EXPECT_EQ(resumed.params.size(), 2u);
  EXPECT_FALSE(resumed.has_best);
  EXPECT_TRUE(resumed.best_params.empty());
}

// A sweep of real (tiny) MLPs under each `keep`, and under ASHA and PBT with simulated trials.
class KeepSweepTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 600, 200, 5); }

  SweepSpec mlp_spec(const std::string& keep, int64_t every = 1, const std::string& data = "data",
                     int64_t epochs = 4) {
    return parse_spec(
        "name: keep\nseed: 11\nmethod: grid\ndataset: {path: " + (dir_ / data).string() +
            "}\nmodel: {width: 32, init: he}\ntraining: {epochs: " + std::to_string(epochs) +
            ", batch_size: 30, lr: 0.1, momentum: 0.5}\n"
            "checkpoint: {keep: " +
            keep + ", every: " + std::to_string(every) +
            "}\nparameters:\n  model.dropout: {values: [0.0, 0.5]}\n"
            "  training.lr: {values: [0.1, 1.0e+30]}\n",
        "keep.yaml");
  }

  SweepRecord run(const SweepSpec& s, const std::string& out, int workers = 2) {
    std::ostringstream log;
    std::atomic<bool> stop{false};
    run_local_sweep(s, RunOptions{path(out), workers, false}, stop, log);
    return read_sweep_file(path(out) + "/sweep.h5");
  }

  std::string path(const std::string& out) const { return (dir_ / out).string(); }
  std::string checkpoint(const std::string& out, int64_t id) const {
    return checkpoint_path(path(out), id);
  }

  TempDir dir_;
};

void expect_same_curves(const SweepRecord& a, const SweepRecord& b, const std::string& what) {
  ASSERT_EQ(a.trials.size(), b.trials.size()) << what;
  for (size_t i = 0; i < a.trials.size(); ++i) {
    EXPECT_EQ(a.trials[i].status, b.trials[i].status) << what << " trial " << i;
    EXPECT_EQ(a.trials[i].message, b.trials[i].message) << what << " trial " << i;
    for (const char* curve : {"epoch", "train_loss", "train_error", "test_loss", "test_error"})
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
          << what << " trial " << i << " " << curve;
  }
}

TEST_F(KeepSweepTest, EachValueLeavesTheDocumentedCheckpointsOfAFinishedSweep) {
  std::map<std::string, SweepRecord> records;
  for (const std::string& keep : kKeeps) records[keep] = run(mlp_spec(keep), keep);
  // lr 1e30 diverges in the first epoch, before any checkpoint: nothing to keep, no error.
  const SweepRecord& reference = records.at("both");
  for (const std::string& keep : kKeeps) {
    expect_same_curves(records.at(keep), reference, keep);
    for (const TrialRecord& t : reference.trials) {
      const std::string file = checkpoint(keep, t.id);
      if (t.status == TrialStatus::diverged) {
        EXPECT_FALSE(std::filesystem::exists(file)) << keep << " trial " << t.id;
        continue;
      }
      EXPECT_EQ(t.status, TrialStatus::completed);
      ASSERT_TRUE(std::filesystem::exists(file)) << keep << " trial " << t.id;
      EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
      const CheckpointData c = read_checkpoint_parts(file);
      const CheckpointData full = read_checkpoint_parts(checkpoint("both", t.id));
      EXPECT_EQ(c.has_last, keep == "last" || keep == "both") << keep << " " << t.id;
      EXPECT_EQ(c.has_best, keep == "best" || keep == "both") << keep << " " << t.id;
      EXPECT_EQ(read_checkpoint_progress(file).keep, keep);
      // What stays is what `both` holds, bit for bit; the curves are the trial's.
      EXPECT_EQ(c.epoch, full.epoch);
      ASSERT_EQ(c.history.size(), t.curves.at("test_error").size());
      for (size_t e = 0; e < c.history.size(); ++e)
        EXPECT_EQ(c.history[e].test_error, t.curves.at("test_error")[e]);
      if (c.has_last) {
        expect_same_tensors(c.params, full.params, keep + " params");
        expect_same_tensors(c.optimizer.buffers.at(0).tensors, full.optimizer.buffers.at(0).tensors,
                            keep + " momentum");
      }
      if (c.has_best) {
        EXPECT_EQ(c.best_epoch, full.best_epoch);
        expect_same_tensors(c.best_params, full.best_params, keep + " best");
      }
    }
  }
  EXPECT_EQ(reference.trials[1].status, TrialStatus::diverged);
  const auto size = [&](const std::string& keep) {
    uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path(keep) + "/checkpoints"))
      bytes += entry.file_size();
    return bytes;
  };
  EXPECT_LT(size("last"), size("both"));
  EXPECT_LT(size("best"), size("last")) << "no optimizer state";
  EXPECT_LT(size("none"), size("best"));
}

TEST_F(KeepSweepTest, AnalyzeAndReportNeedNoCheckpoint) {
  run(mlp_spec("none"), "none");
  run(mlp_spec("both"), "gone");
  std::filesystem::remove_all(path("gone") + "/checkpoints");
  for (const std::string out : {"none", "gone"}) {
    const CommandResult analyze = run_shell(std::string(HPSWEEP_BINARY) + " analyze " + path(out));
    EXPECT_EQ(analyze.exit_code, 0) << out << ": " << analyze.output;
    EXPECT_NE(analyze.output.find("diverged"), std::string::npos) << analyze.output;
    const CommandResult report = run_shell(std::string(HPSWEEP_BINARY) + " report " + path(out));
    EXPECT_EQ(report.exit_code, 0) << out << ": " << report.output;
    EXPECT_TRUE(std::filesystem::exists(path(out) + "/report.html")) << out;
  }
}

// training.init_from reads /params: a `last` checkpoint serves, a `best` one is refused with
// the reason, before anything is written.
TEST_F(KeepSweepTest, InitFromAReducedCheckpointNeedsItsLastParameters) {
  for (const std::string keep : {"last", "best"}) {
    run(mlp_spec(keep), keep);
    SweepSpec fine_tune = mlp_spec("both");
    fine_tune.base.training.finetune.from = checkpoint(keep, 0);
    if (keep == "last") {
      const SweepRecord r = run(fine_tune, "from-last");
      EXPECT_EQ(r.trials[0].status, TrialStatus::completed);
      continue;
    }
    try {
      run(fine_tune, "from-best");
      ADD_FAILURE() << "a checkpoint without /params must be refused";
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()),
                "keep.yaml: training.finetune.from: trial 0000: " + checkpoint(keep, 0) +
                    ": holds no last parameters: its trial finished under `checkpoint.keep: "
                    "best`, which keeps /best/params and the curves");
    }
    EXPECT_FALSE(std::filesystem::exists(path("from-best") + "/sweep.h5"));
  }
}

SweepSpec simulated_spec(const std::string& keep, const std::string& body,
                         const std::string& epoch_seconds = "0") {
  return parse_spec(
      "name: sim\nseed: 5\ndataset: {path: /nonexistent}\nmodel: {type: simulated}\n"
      "simulated: {seed: 9, epoch_seconds: " +
          epoch_seconds + "}\ncheckpoint: {keep: " + keep + "}\n" + body,
      "sim.yaml");
}

constexpr const char* kAsha =
    "method: random\nrun_cap: 27\ntraining: {epochs: 9}\n"
    "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n"
    "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n";

constexpr const char* kPbt =
    "method: pbt\ntraining: {epochs: 6}\n"
    "pbt: {population: 6, perturbation_interval: 2, mutations: {training.lr: {distribution: "
    "log_uniform_values, min: 0.001, max: 1}}}\n"
    "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n";

// Paused trials keep their whole checkpoint, so promotions (ASHA) and exploits (PBT) read it
// as before: the decisions and curves are those of `keep: both`, and every trial's checkpoint
// ends reduced, the stopped ones included.
TEST_F(KeepSweepTest, SchedulersPromoteAndExploitAsWithWholeCheckpoints) {
  for (const auto& [name, body] : {std::pair{"asha", kAsha}, std::pair{"pbt", kPbt}}) {
    const SweepRecord reference = run(simulated_spec("both", body), std::string(name) + "-both", 1);
    int kinds = 0;
    for (const DecisionRow& d : reference.decisions)
      kinds += d.kind == "promote" || d.kind == "exploit";
    EXPECT_GT(kinds, 0) << name;
    for (const std::string keep : {"none", "best", "last"}) {
      const std::string out = std::string(name) + "-" + keep;
      const SweepRecord r = run(simulated_spec(keep, body), out, 1);
      expect_same_curves(r, reference, out);
      ASSERT_EQ(r.decisions.size(), reference.decisions.size()) << out;
      for (size_t i = 0; i < r.decisions.size(); ++i)
        EXPECT_EQ(std::tie(r.decisions[i].trial, r.decisions[i].kind, r.decisions[i].epoch,
                           r.decisions[i].source_trial),
                  std::tie(reference.decisions[i].trial, reference.decisions[i].kind,
                           reference.decisions[i].epoch, reference.decisions[i].source_trial))
            << out << " decision " << i;
      for (const TrialRecord& t : r.trials)
        EXPECT_EQ(read_checkpoint_progress(checkpoint(out, t.id)).keep, keep)
            << out << " trial " << t.id << " " << status_name(t.status);
    }
  }
}

// Stopped at many moments and resumed, a sweep under `none` or `best` ends as the uninterrupted
// one: the same statuses and curves, bit for bit, and under `best` the same /best parameters.
TEST_F(KeepSweepTest, StoppedAndResumedSweepsEndBitwiseAsUninterruptedOnes) {
  write_synthetic_fashion_mnist(dir_ / "more-data", 3000, 300, 8);
  for (const std::string keep : {"none", "best"}) {
    const SweepSpec s = mlp_spec(keep, 2, "more-data", 6);
    const SweepRecord reference = run(s, keep + "-reference");
    // After each stop, an unfinished trial's checkpoint holds its last state, and /best only
    // where `keep` may keep it (`none` never writes it); a finished one is reduced already.
    const std::string unfinished = keep == "none" ? "last" : "both";
    int stops = 0, unfinished_seen = 0;
    for (int delay = 30; run_local_sweep_stopped_after(s, RunOptions{path(keep + "-cut"), 2, false},
                                                       std::chrono::milliseconds(delay))
                             .interrupted;
         delay += 10) {  // small steps: some stop must fall between two checkpoints
      ++stops;
      for (const TrialRecord& t : reference.trials) {
        const std::string file = checkpoint(keep + "-cut", t.id);
        if (!std::filesystem::exists(file)) continue;
        const CheckpointProgress progress = read_checkpoint_progress(file);
        const bool finished = progress.epoch == 6;
        EXPECT_EQ(progress.keep, finished ? keep : unfinished) << keep << " trial " << t.id;
        unfinished_seen += !finished;
      }
    }
    EXPECT_GE(stops, 1) << keep;
    EXPECT_GE(unfinished_seen, 1) << keep;
    expect_same_curves(read_sweep_file(path(keep + "-cut") + "/sweep.h5"), reference, keep);
    for (const TrialRecord& t : reference.trials) {
      if (t.status == TrialStatus::diverged) continue;  // in epoch 1: no checkpoint
      const CheckpointData a = read_checkpoint_parts(checkpoint(keep + "-reference", t.id)),
                           b = read_checkpoint_parts(checkpoint(keep + "-cut", t.id));
      EXPECT_EQ(read_checkpoint_progress(checkpoint(keep + "-cut", t.id)).keep, keep);
      EXPECT_EQ(b.best_epoch, a.best_epoch);
      expect_same_tensors(b.best_params, a.best_params, keep + " best");
    }
  }
  // An ASHA sweep with pauses and promotions, stopped and resumed under `none`.
  const SweepSpec asha = simulated_spec("none", kAsha, "0.01");
  const SweepRecord reference = run(asha, "asha-reference", 1);
  int stops = 0;
  for (int delay = 100; run_local_sweep_stopped_after(asha, RunOptions{path("asha-cut"), 1, false},
                                                      std::chrono::milliseconds(delay))
                            .interrupted;
       delay += 150)
    ++stops;
  EXPECT_GE(stops, 1);
  const SweepRecord cut = read_sweep_file(path("asha-cut") + "/sweep.h5");
  expect_same_curves(cut, reference, "asha");
  for (const TrialRecord& t : cut.trials)
    EXPECT_EQ(read_checkpoint_progress(checkpoint("asha-cut", t.id)).keep, "none");
}

}  // namespace
}  // namespace hpsweep::testing
