// A full disk in the middle of a sweep: the checkpoint write that fails leaves the previous
// checkpoint intact, the error names the file, and once there is room again the same command
// resumes. Every write path (sweep.h5, decisions, PBT schedules, the journal, checkpoints)
// fails into one exit 1 naming its file, at any fill level, for grid, ASHA and PBT sweeps.
// Uses a small tmpfs (needs root and permission to mount; skipped otherwise).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <fstream>
#include <iostream>
#include <regex>

#include "common/error.h"
#include "common/spec.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

class SmallFilesystem {
 public:
  SmallFilesystem(const std::filesystem::path& where, const std::string& size) : where_(where) {
    std::filesystem::create_directories(where);
    mounted_ = mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) umount(where_.c_str());
  }
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path where_;
  bool mounted_;
};

TEST(FullDisk, AFailedCheckpointWriteKeepsThePreviousOne) {
  TempDir dir;
  SmallFilesystem disk(dir / "disk", "4m");
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (not root, or in a restricted container)";
  write_synthetic_fashion_mnist(dir / "data", 600, 100, 4);
  // 784 x 300 weights: each checkpoint holds two parameter sets, about 1.9 MB. Leave room for
  // one checkpoint but not for its replacement, which is written beside it before the rename.
  const auto spec = dir / "s.yaml";
  std::ofstream(spec)
      << "name: full\nmethod: grid\ndataset: {path: " << (dir / "data").string()
      << "}\nmodel: {width: 300, init: he}\ntraining: {epochs: 3, batch_size: 60, lr: 0.05}\n";
  const std::string out = (dir / "disk" / "out").string();
  const std::string filler = (dir / "disk" / "filler").string();
  ASSERT_EQ(run_shell("fallocate -l 1200K " + filler).exit_code, 0);

  const CommandResult full =
      run_shell(std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out);
  EXPECT_EQ(full.exit_code, 1) << full.output;
  const std::string checkpoint = checkpoint_path(out, 0);
  EXPECT_NE(full.output.find(checkpoint + ": cannot write"), std::string::npos) << full.output;
  EXPECT_EQ(read_checkpoint_file(checkpoint).epoch, 1) << "the previous checkpoint stays intact";
  EXPECT_FALSE(std::filesystem::exists(checkpoint + ".tmp"));
  EXPECT_EQ(read_sweep_file(out + "/sweep.h5").trials[0].epochs(), 1);

  std::filesystem::remove(filler);
  const CommandResult resumed =
      run_shell(std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_sweep_file(out + "/sweep.h5").trials[0].status, TrialStatus::completed);
}

// Fills the file system at `dir` with `dir`/filler, leaving about `free_kb` KB free.
void fill_leaving(const std::filesystem::path& dir, int64_t free_kb) {
  struct statvfs s {};
  ASSERT_EQ(statvfs(dir.c_str(), &s), 0);
  const int64_t available = static_cast<int64_t>(s.f_bavail) * static_cast<int64_t>(s.f_frsize);
  const int64_t size = available - free_kb * 1024;
  ASSERT_GT(size, 0);
  ASSERT_EQ(
      run_shell("fallocate -l " + std::to_string(size) + " " + (dir / "filler").string()).exit_code,
      0);
}

// ASHA's promotions depend on the order of reports: one worker makes them repeatable.
std::string run_sweep(const std::filesystem::path& spec, const std::string& out, int workers) {
  return std::string(HPSWEEP_BINARY) + " run " + spec.string() + " --out " + out + " --workers " +
         std::to_string(workers) + " 2>&1";
}

// A journal line is appended whole or not at all: a write the disk cuts short is cut off again,
// so the next append (once there is room) does not continue a partial line.
TEST(FullDisk, TheJournalKeepsWholeLinesOnly) {
  TempDir dir;
  SmallFilesystem disk(dir / "disk", "1m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  const std::string path = (dir / "disk" / "journal.log").string();
  JournalWriter journal(path);
  journal.append(JournalRecord{0, TrialStatus::completed, 1, "first"});
  fill_leaving(dir / "disk", 0);
  const std::string message(700, 'x');  // lines that straddle the last page's end
  int written = 1;
  std::string error;
  for (; written < 100; ++written) {
    try {
      journal.append(JournalRecord{written, TrialStatus::completed, 1, message});
    } catch (const Error& e) {
      error = e.what();
      break;
    }
  }
  EXPECT_EQ(error.rfind(path + ": cannot append to the journal: No space left", 0), 0u) << error;
  EXPECT_EQ(read_journal(path).size(), static_cast<size_t>(written));
  std::filesystem::remove(dir / "disk" / "filler");
  journal.append(JournalRecord{99, TrialStatus::completed, 1, "after"});
  const std::vector<JournalRecord> records = read_journal(path);
  ASSERT_EQ(records.size(), static_cast<size_t>(written + 1));
  EXPECT_EQ(records.back().trial_id, 99);
  EXPECT_EQ(records.back().message, "after");
}

// A flush that finds the disk full throws an Error naming sweep.h5 and leaves the last flushed
// file whole; the writer keeps its state in memory, and a later flush with room writes it all.
TEST(FullDisk, AFailedSweepFileFlushKeepsTheLastOneAndRetries) {
  TempDir dir;
  SmallFilesystem disk(dir / "disk", "1m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  const SweepSpec spec = parse_spec(
      "name: s\nmethod: grid\nmodel: {type: simulated}\ntraining: {epochs: 3}\n"
      "parameters:\n  training.lr: {values: [0.1, 0.2]}\n",
      "s.yaml");
  const std::string path = (dir / "disk" / "sweep.h5").string();
  EpochMetrics metrics;
  metrics.epoch = 1;
  metrics.train_loss = 0.5;
  {
    SweepWriter writer(path, spec, expand_trials(spec));
    writer.append_epoch(0, metrics);
    writer.flush();
    fill_leaving(dir / "disk", 0);
    metrics.epoch = 2;
    writer.append_epoch(0, metrics);
    writer.set_status(0, TrialStatus::running);
    try {
      writer.flush();
      ADD_FAILURE() << "the flush should fail";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path + ": cannot write", 0), 0u) << e.what();
    }
    EXPECT_EQ(read_sweep_file(path).trials[0].epochs(), 1) << "the last flushed file, whole";
    std::filesystem::remove(dir / "disk" / "filler");
    writer.flush();
    EXPECT_EQ(read_sweep_file(path).trials[0].epochs(), 2);
    metrics.epoch = 3;
    writer.append_epoch(0, metrics);
    fill_leaving(dir / "disk", 0);
  }  // the destructor's flush fails quietly
  EXPECT_EQ(read_sweep_file(path).trials[0].epochs(), 2);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// Runs `spec` once on plenty of disk, then on a small tmpfs left with each of `free_kb` KB: the
// run either finishes or exits 1 naming a file of its folder, never a crash, and leaves
// sweep.h5 readable (also by `hpsweep analyze`). Once the filler is gone the same command
// resumes to curves and schedules bitwise those of the uninterrupted run.
void expect_full_disks_resume(const std::filesystem::path& dir, const std::string& spec_text,
                              const std::vector<int64_t>& free_kb, int min_failures,
                              int workers = 2) {
  const auto spec = dir / "s.yaml";
  std::ofstream(spec) << spec_text;
  const CommandResult straight = run_shell(run_sweep(spec, (dir / "straight").string(), workers));
  ASSERT_EQ(straight.exit_code, 0) << straight.output;
  const SweepRecord reference = read_sweep_file((dir / "straight" / "sweep.h5").string());
  // Room for the whole sweep and its temporary files, but no more: 2 MB at least.
  int64_t disk_kb = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "straight"))
    if (entry.is_regular_file()) disk_kb += static_cast<int64_t>(entry.file_size()) / 1024 + 4;
  disk_kb = std::max<int64_t>(2048, 2 * disk_kb + 512);
  int failures = 0;
  for (const int64_t kb : free_kb) {
    const auto mount_point = dir / ("disk" + std::to_string(kb));
    SmallFilesystem disk(mount_point, std::to_string(disk_kb) + "k");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
    fill_leaving(mount_point, kb);
    const std::string out = (mount_point / "out").string();
    const CommandResult full = run_shell(run_sweep(spec, out, workers));
    EXPECT_TRUE(full.exit_code == 0 || full.exit_code == 1)
        << kb << " KB: exit " << full.exit_code << ": " << full.output;
    if (full.exit_code != 0) {
      ++failures;
      EXPECT_TRUE(
          std::regex_search(full.output, std::regex("hpsweep: failure: " + out + "/[^:]+: cannot")))
          << kb << " KB: the message names the file: " << full.output;
      EXPECT_EQ(full.output.find("terminate called"), std::string::npos) << full.output;
      if (std::filesystem::exists(out + "/sweep.h5")) {
        EXPECT_NO_THROW(read_sweep_file(out + "/sweep.h5")) << kb << " KB";
        const CommandResult analyzed =
            run_shell(std::string(HPSWEEP_BINARY) + " analyze " + out + " 2>&1");
        EXPECT_EQ(analyzed.exit_code, 0) << kb << " KB: " << analyzed.output;
      }
      if (std::filesystem::exists(out + "/checkpoints")) {
        for (const auto& entry : std::filesystem::directory_iterator(out + "/checkpoints")) {
          if (entry.path().extension() == ".h5") {
            EXPECT_NO_THROW(read_checkpoint_parts(entry.path().string())) << entry.path();
          }
        }
      }
      std::smatch named;
      if (std::regex_search(full.output, named, std::regex(out + "/([^:]+): cannot")))
        std::cout << kb << " KB free: stopped at " << named[1] << "\n";
    }
    std::filesystem::remove(mount_point / "filler");
    const CommandResult resumed = run_shell(run_sweep(spec, out, workers));
    EXPECT_EQ(resumed.exit_code, 0) << kb << " KB: " << resumed.output;
    if (resumed.exit_code != 0) continue;
    const SweepRecord r = read_sweep_file(out + "/sweep.h5");
    ASSERT_EQ(r.trials.size(), reference.trials.size());
    for (size_t i = 0; i < r.trials.size(); ++i) {
      EXPECT_EQ(r.trials[i].status, reference.trials[i].status) << kb << " KB, trial " << i;
      for (const std::string& curve : metric_names()) {  // not the timings
        if (reference.trials[i].curves.count(curve)) {
          EXPECT_EQ(r.trials[i].curves.at(curve), reference.trials[i].curves.at(curve))
              << kb << " KB, trial " << i << " " << curve;
        }
      }
      EXPECT_EQ(r.trials[i].curves.at("epoch"), reference.trials[i].curves.at("epoch"));
      EXPECT_EQ(r.trials[i].schedule, reference.trials[i].schedule) << kb << " KB, trial " << i;
    }
    std::map<int64_t, int> completions;
    for (const JournalRecord& j : read_journal(out + "/journal.log"))
      EXPECT_LE(completions[j.trial_id] += j.status == TrialStatus::completed, 1)
          << kb << " KB: trial " << j.trial_id << " completed twice";
  }
  EXPECT_GE(failures, min_failures) << "the fill levels should stop the sweep";
}

constexpr const char* kSimulated =
    "name: full\nseed: 3\ndataset: {path: /nonexistent}\nmodel: {type: simulated}\n"
    "simulated: {seed: 9}\n";

const std::vector<int64_t> kFillLevels = {0, 4, 12, 24, 48, 96, 160, 256};

TEST(FullDisk, GridSweepsStopCleanlyAndResumeAtEveryFillLevel) {
  TempDir dir;
  expect_full_disks_resume(dir.path(),
                           std::string(kSimulated) +
                               "method: grid\ntraining: {epochs: 6}\nparameters:\n"
                               "  training.lr: {values: [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]}\n",
                           kFillLevels, 3);
}

TEST(FullDisk, AshaSweepsStopCleanlyAndResumeAtEveryFillLevel) {
  TempDir dir;
  expect_full_disks_resume(
      dir.path(),
      std::string(kSimulated) +
          "method: random\nrun_cap: 27\ntraining: {epochs: 9}\n"
          "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n"
          "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n",
      kFillLevels, 3, 1);
}

TEST(FullDisk, PbtSweepsStopCleanlyAndResumeAtEveryFillLevel) {
  TempDir dir;
  expect_full_disks_resume(
      dir.path(),
      std::string(kSimulated) +
          "method: pbt\ntraining: {epochs: 24}\n"
          "pbt: {population: 8, perturbation_interval: 2, mutations: "
          "{training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}}}\n"
          "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}\n",
      kFillLevels, 3);
}

// The red team's case: PBT over small MLPs that train on real (synthetic) images.
TEST(FullDisk, PbtMlpSweepsStopCleanlyAndResumeAtEveryFillLevel) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 600, 100, 4);
  expect_full_disks_resume(
      dir.path(),
      "name: full\nseed: 3\ndataset: {path: " + (dir / "data").string() +
          "}\nmodel: {width: 16, init: he}\ntraining: {epochs: 8, batch_size: 60}\n"
          "method: pbt\npbt: {population: 8, perturbation_interval: 2, mutations: "
          "{training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}}}\n"
          "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.01, max: 0.2}\n",
      {0, 16, 64, 160, 320}, 2);
}

}  // namespace
}  // namespace hpsweep::testing
