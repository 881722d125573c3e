// Sweeps driven by a trial scheduler through the real coordinator, worker threads and files, on
// the small synthetic dataset: ASHA pauses, promotes and stops trials whose curves stay bitwise
// those of uninterrupted training; the median rule stops a bad trial; PBT's exploit continues a
// bottom trial from its source's checkpoint; the same spec gives the same decisions; and a
// stopped scheduled sweep resumes to the uninterrupted result.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/error.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"
#include "storage/sweep_file.h"
#include "support/stopped_sweep.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/trainer.h"
#include "worker/training_group.h"

namespace hpsweep::testing {
namespace {

constexpr const char* kGrid =
    "method: grid\nparameters:\n  training.lr: {values: [0.003, 0.01, 0.03, 0.1]}\n"
    "  model.dropout: {values: [0.0, 0.5]}\n";
// Rungs at epochs 1 and 2; trials that reach epoch 4 complete.
constexpr const char* kAsha =
    "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n";
constexpr const char* kPopulation =
    "parameters:\n  training.lr: {values: [0.01, 0.03, 0.1, 0.3]}\n";
constexpr const char* kPbt =
    "method: pbt\npbt: {population: 4, perturbation_interval: 2, mutations: {training.lr: "
    "{distribution: log_uniform_values, min: 0.01, max: 0.5}}}\n";

// Trials 0-2 have fewer than 3 others to compare with; trial 3 barely learns.
constexpr const char* kMedianGrid =
    "method: grid\nparameters:\n  training.lr: {values: [0.1, 0.05, 0.2, 0.0001]}\n";
constexpr const char* kMedianRule =
    "early_terminate: {type: median, grace_period: 1, min_samples: 3}\n";

const char* const kCurves[] = {"epoch", "train_loss", "train_error", "test_loss", "test_error"};

class ScheduledSweepTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 600, 200, 5); }

  // checkpoint.every 3: pauses at epochs 1 and 2 must checkpoint anyway.
  SweepSpec spec(const std::string& body, int epochs = 4,
                 const std::string& checkpoint = "{every: 3}") {
    return parse_spec(
        "name: sched\nseed: 11\ndataset: {path: " + (dir_ / "data").string() +
            "}\nmodel: {width: 32, init: he}\ntraining: {epochs: " + std::to_string(epochs) +
            ", batch_size: 50, lr: 0.1}\ncheckpoint: " + checkpoint + "\n" + body,
        "sched.yaml");
  }

  SweepSummary run(const SweepSpec& s, const std::string& out, int workers = 1) {
    return run_stopped(s, out, workers, 0);
  }

  // delay_ms 0: never stopped.
  SweepSummary run_stopped(const SweepSpec& s, const std::string& out, int workers, int delay_ms) {
    return run_local_sweep_stopped_after(s, RunOptions{(dir_ / out).string(), workers, false},
                                         std::chrono::milliseconds(delay_ms));
  }

  SweepRecord record(const std::string& out) {
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  CheckpointData checkpoint(const std::string& out, int64_t trial) {
    return read_checkpoint_file(checkpoint_path((dir_ / out).string(), trial));
  }

  TempDir dir_;
};

std::vector<std::string> kinds_of(const SweepRecord& r, int64_t trial) {
  std::vector<std::string> kinds;
  for (const DecisionRow& d : r.decisions)
    if (d.trial == trial) kinds.push_back(d.kind);
  return kinds;
}

// Everything but the wall time.
void expect_same_decisions(const SweepRecord& a, const SweepRecord& b) {
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (size_t i = 0; i < a.decisions.size(); ++i) {
    const DecisionRow &x = a.decisions[i], &y = b.decisions[i];
    EXPECT_EQ(
        std::tie(x.sequence, x.trial, x.kind, x.epoch, x.source_trial, x.hyperparameters, x.reason),
        std::tie(y.sequence, y.trial, y.kind, y.epoch, y.source_trial, y.hyperparameters, y.reason))
        << "decision " << i;
  }
}

// Each trial ended as its last decision says, with the checkpoint of its last epoch, and no
// epoch lost or repeated: its curves are bitwise those of training straight through.
void expect_trials_end_as_decided(const SweepRecord& r, const SweepRecord& straight,
                                  const std::filesystem::path& out) {
  for (const TrialRecord& t : r.trials) {
    const auto last = std::find_if(r.decisions.rbegin(), r.decisions.rend(),
                                   [&](const DecisionRow& d) { return d.trial == t.id; });
    ASSERT_NE(last, r.decisions.rend()) << "trial " << t.id;
    ASSERT_TRUE(last->kind == "stop" || last->kind == "complete") << t.id;
    EXPECT_EQ(t.status, last->kind == "stop" ? TrialStatus::stopped : TrialStatus::completed);
    EXPECT_EQ(t.message, last->reason);
    EXPECT_EQ(t.epochs(), last->epoch);
    EXPECT_EQ(read_checkpoint_file(checkpoint_path(out.string(), t.id)).epoch, last->epoch)
        << "the checkpoint of its last epoch";
    for (const char* curve : kCurves) {
      const std::vector<double>& whole = straight.trials[t.id].curves.at(curve);
      EXPECT_EQ(t.curves.at(curve), std::vector<double>(whole.begin(), whole.begin() + t.epochs()))
          << "trial " << t.id << " " << curve;
    }
  }
}

TEST_F(ScheduledSweepTest, AshaPausesPromotesAndStopsWithCurvesOfStraightTraining) {
  const SweepSummary summary = run(spec(std::string(kGrid) + kAsha), "asha");
  run(spec(kGrid), "straight");
  const SweepRecord r = record("asha"), straight = record("straight");
  std::set<std::string> kinds;
  for (const DecisionRow& d : r.decisions) kinds.insert(d.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"start", "pause", "promote", "stop", "complete"}));
  EXPECT_TRUE(straight.decisions.empty()) << "no scheduler, nothing to record";

  expect_trials_end_as_decided(r, straight, dir_ / "asha");
  bool resumed_after_pause = false;
  for (const TrialRecord& t : r.trials) {
    const std::vector<std::string> kinds = kinds_of(r, t.id);
    for (size_t i = 1; i < kinds.size(); ++i)
      resumed_after_pause |= kinds[i - 1] == "pause" && kinds[i] == "promote";
  }
  EXPECT_TRUE(resumed_after_pause) << "a paused trial was promoted later";
  EXPECT_GT(summary.counts.at(TrialStatus::stopped), 0);
  EXPECT_GT(summary.counts.at(TrialStatus::completed), 0);

  // The same spec again: the same decisions and results.
  run(spec(std::string(kGrid) + kAsha), "again");
  const SweepRecord again = record("again");
  expect_same_decisions(r, again);
  for (size_t i = 0; i < r.trials.size(); ++i) {
    EXPECT_EQ(r.trials[i].status, again.trials[i].status);
    EXPECT_EQ(r.trials[i].message, again.trials[i].message);
    for (const char* curve : kCurves)
      EXPECT_EQ(r.trials[i].curves.at(curve), again.trials[i].curves.at(curve));
  }
}

// Stopped after growing delays and resumed until it finishes, a scheduled sweep ends as an
// uninterrupted one: the journal's scheduler calls, replayed, rebuild the scheduler, and the
// trials it had running continue from their checkpoints.
TEST_F(ScheduledSweepTest, StoppedAndResumedScheduledSweepsEndAsUninterruptedOnes) {
  for (const auto& [body, workers] :
       {std::pair{std::string(kGrid) + kAsha, 1}, std::pair{std::string(kPbt) + kPopulation, 2}}) {
    const SweepSpec s = spec(body);
    run(s, "reference", workers);
    int stops = 0;
    for (int delay = 10; run_stopped(s, "cut", workers, delay).interrupted; delay += 15) ++stops;
    EXPECT_GE(stops, 1) << body << ": the sweep must have been stopped for this test to mean much";
    const SweepRecord a = record("reference"), b = record("cut");
    if (workers == 1) expect_same_decisions(a, b);  // else the order of reports varies
    for (size_t i = 0; i < a.trials.size(); ++i) {
      EXPECT_EQ(a.trials[i].status, b.trials[i].status) << body << " trial " << i;
      EXPECT_EQ(a.trials[i].message, b.trials[i].message) << body << " trial " << i;
      for (const char* curve : kCurves)
        EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
            << body << " trial " << i << " " << curve;
    }
    std::filesystem::remove_all(dir_ / "reference");
    std::filesystem::remove_all(dir_ / "cut");
  }
}

TEST_F(ScheduledSweepTest, HyperbandStopsAndPromotesWholeRungsWithCurvesOfStraightTraining) {
  // Two workers: Hyperband's rungs are judged once complete, so the order does not matter.
  run(spec(std::string(kGrid) + "early_terminate: {type: hyperband, min_iter: 1, eta: 2}\n"),
      "hyperband", 2);
  run(spec(kGrid), "straight", 2);
  const SweepRecord r = record("hyperband"), straight = record("straight");
  std::map<TrialStatus, int> statuses;
  for (const TrialRecord& t : r.trials) {
    ++statuses[t.status];
    ASSERT_TRUE(t.status == TrialStatus::completed || t.status == TrialStatus::stopped)
        << t.id << " " << status_name(t.status);
    if (t.status == TrialStatus::completed) {
      EXPECT_EQ(t.epochs(), 4);
    }
    EXPECT_EQ(t.status == TrialStatus::stopped, !t.message.empty()) << t.message;
    for (const char* curve : kCurves) {
      const std::vector<double>& whole = straight.trials[t.id].curves.at(curve);
      EXPECT_EQ(t.curves.at(curve), std::vector<double>(whole.begin(), whole.begin() + t.epochs()))
          << "trial " << t.id << " " << curve;
    }
  }
  EXPECT_GT(statuses[TrialStatus::stopped], 0);
  EXPECT_GT(statuses[TrialStatus::completed], 0);
}

TEST_F(ScheduledSweepTest, MedianRuleStopsABadTrial) {
  run(spec(std::string(kMedianGrid) + kMedianRule), "median");
  const SweepRecord r = record("median");
  for (int id = 0; id < 3; ++id) EXPECT_EQ(r.trials[id].status, TrialStatus::completed);
  EXPECT_EQ(r.trials[3].status, TrialStatus::stopped);
  EXPECT_EQ(r.trials[3].epochs(), 1);
  EXPECT_NE(r.trials[3].message.find("median"), std::string::npos) << r.trials[3].message;
  EXPECT_EQ(kinds_of(r, 3), (std::vector<std::string>{"start", "stop"}));
}

TEST_F(ScheduledSweepTest, PbtExploitContinuesFromTheSourcesCheckpoint) {
  const SweepSpec pbt = spec(std::string(kPbt) + kPopulation);
  run(pbt, "pbt", 2);
  // The same trials (PBT draws as method random does) trained for 2 epochs only: the
  // checkpoints that the exploit at epoch 2 copied.
  run(spec(std::string("method: random\nrun_cap: 4\n") + kPopulation, 2), "two");
  const SweepRecord r = record("pbt"), two = record("two");
  std::vector<DecisionRow> exploits;
  for (const DecisionRow& d : r.decisions)
    if (d.kind == "exploit") exploits.push_back(d);
  ASSERT_EQ(exploits.size(), 1u) << "the bottom quarter of 4 trials, at epoch 2 only";
  const DecisionRow exploit = exploits[0];
  EXPECT_EQ(exploit.epoch, 2);
  EXPECT_NE(exploit.source_trial, exploit.trial);
  EXPECT_EQ(exploit.hyperparameters.rfind("training.lr: ", 0), 0u) << exploit.hyperparameters;

  for (const TrialRecord& t : r.trials) {
    EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
    EXPECT_EQ(t.curves.at("epoch"), (std::vector<double>{1, 2, 3, 4}));
    for (const char* curve : kCurves) {
      const std::vector<double>& first = t.curves.at(curve);
      EXPECT_EQ(std::vector<double>(first.begin(), first.begin() + 2),
                two.trials[t.id].curves.at(curve))
          << "trial " << t.id << " " << curve;
    }
  }

  // Epochs 3 and 4 of the exploiting trial: its own checkpoint of epoch 2 with the source's
  // weights and optimizer state, trained on with the explored learning rate.
  const CheckpointData final_state = checkpoint("pbt", exploit.trial);
  CheckpointData resume = checkpoint("two", exploit.trial);
  const CheckpointData source = checkpoint("two", exploit.source_trial);
  resume.params = source.params;
  resume.optimizer = source.optimizer;
  const SweepInputs inputs = load_sweep_inputs(pbt, DataUse::load);
  Trial trial = inputs.trials[exploit.trial];
  trial.config.training.lr = final_state.optimizer.lr;
  EXPECT_NE(trial.config.training.lr, inputs.trials[exploit.trial].config.training.lr);
  struct Collect : TrialObserver {
    std::vector<EpochMetrics> epochs;
    void on_epoch(const EpochMetrics& m, std::optional<CheckpointData>) override {
      epochs.push_back(m);
    }
  } collect;
  std::atomic<bool> stop{false};
  SoloGroup group;
  TrialStart start;
  start.resume = &resume;
  const TrialOutcome outcome = run_trial(trial, inputs.data.at(dataset_key(trial.config.dataset)),
                                         start, collect, stop, group);
  ASSERT_EQ(outcome.status, TrialStatus::completed) << outcome.message;
  ASSERT_EQ(collect.epochs.size(), 2u);
  const TrialRecord& t = r.trials[exploit.trial];
  for (size_t i = 0; i < 2; ++i)
    for (const char* curve : kCurves)
      EXPECT_EQ(t.curves.at(curve)[2 + i], curve_value(collect.epochs[i], curve))
          << "epoch " << 3 + i << " " << curve;

  // Another worker count: other timing (whichever trial completes the barrier goes on, or
  // waits for the copy when it is the source), the same exploit and curves.
  run(pbt, "pbt1", 1);
  const SweepRecord one = record("pbt1");
  std::vector<DecisionRow> again;
  for (const DecisionRow& d : one.decisions)
    if (d.kind == "exploit") again.push_back(d);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(std::tie(again[0].trial, again[0].source_trial, again[0].hyperparameters),
            std::tie(exploit.trial, exploit.source_trial, exploit.hyperparameters));
  for (size_t i = 0; i < r.trials.size(); ++i)
    for (const char* curve : kCurves)
      EXPECT_EQ(one.trials[i].curves.at(curve), r.trials[i].curves.at(curve))
          << "trial " << i << " " << curve;
}

std::vector<std::string> journal_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Replaces the journal by `lines`, and `torn`: a last line without its newline.
void write_journal(const std::filesystem::path& path, const std::vector<std::string>& lines,
                   const std::string& torn = "") {
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& line : lines) out << line << "\n";
  out << torn;
}

// The statuses the journal ends `trial` with, in order.
std::vector<TrialStatus> journaled_ends(const std::filesystem::path& path, int64_t trial) {
  std::vector<TrialStatus> ends;
  for (const JournalRecord& record : read_journal(path.string()))
    if (record.trial_id == trial) ends.push_back(record.status);
  return ends;
}

void expect_same_curves(const SweepRecord& a, const SweepRecord& b) {
  for (size_t i = 0; i < a.trials.size(); ++i)
    for (const char* curve : kCurves)
      EXPECT_EQ(a.trials[i].curves.at(curve), b.trials[i].curves.at(curve))
          << "trial " << i << " " << curve;
}

// Drops the journal's last `lines` lines; `torn`: leaves half of the line before them too.
void cut_journal(const std::filesystem::path& path, int lines, bool torn) {
  std::vector<std::string> kept = journal_lines(path);
  kept.resize(kept.size() > static_cast<size_t>(lines) ? kept.size() - lines : 0);
  std::string torn_line;
  if (torn && !kept.empty()) {
    torn_line = kept.back().substr(0, kept.back().size() / 2);
    kept.pop_back();
  }
  write_journal(path, kept, torn_line);
}

// A machine crash can lose the journal's tail while checkpoints written after it survive (the
// journal is synced at decisions only; docs/resume.md). The rerun hears the epochs the
// checkpoints hold beyond the journal and ends as a valid run of the spec: ASHA's trials as
// their decisions say with curves of straight training, PBT (whose decisions do not depend on
// the order of reports) as the uninterrupted sweep.
TEST_F(ScheduledSweepTest, AJournalThatLostItsTailResumesToAValidSweep) {
  struct Cut {
    int lines;
    bool torn, deleted;
  };
  const Cut cuts[] = {{1, false, false},  {3, false, false}, {10, false, false},
                      {30, false, false}, {5, true, false},  {0, false, true}};
  const SweepSpec asha = spec(std::string(kGrid) + kAsha), straight_spec = spec(kGrid);
  const SweepSpec pbt = spec(std::string(kPbt) + kPopulation, 8);
  run(straight_spec, "straight");
  const double asha_seconds = run(asha, "asha-reference").seconds;
  const double pbt_seconds = run(pbt, "pbt-reference", 2).seconds;
  const SweepRecord straight = record("straight"), pbt_reference = record("pbt-reference");
  int resumed_cuts = 0;
  for (const auto& [s, workers, name, seconds] :
       {std::tuple{asha, 1, "asha", asha_seconds}, std::tuple{asha, 2, "asha", asha_seconds},
        std::tuple{pbt, 2, "pbt", pbt_seconds}}) {
    for (const Cut& cut : cuts) {
      for (const double fraction : {0.3, 0.7}) {
        const std::string out = std::string(name) + "-cut";
        // A busy machine runs slower or faster than the reference did: a sweep that finished
        // before its stop is run again, stopped sooner.
        bool stopped = false;
        for (int delay = static_cast<int>(seconds * 1000 * fraction); !stopped && delay > 0;
             delay /= 2) {
          std::filesystem::remove_all(dir_ / out);
          stopped = run_stopped(s, out, workers, delay).interrupted;
        }
        if (!stopped) continue;
        const std::filesystem::path journal = dir_ / out / "journal.log";
        if (cut.deleted)
          std::filesystem::remove(journal);
        else
          cut_journal(journal, cut.lines, cut.torn);
        const std::string what = std::string(name) + " cut " + std::to_string(cut.lines) +
                                 (cut.torn ? " torn" : "") + (cut.deleted ? " deleted" : "") +
                                 " at " + std::to_string(fraction);
        SCOPED_TRACE(what);
        ++resumed_cuts;
        const SweepSummary resumed = run(s, out, workers);
        ASSERT_FALSE(resumed.interrupted);
        const SweepRecord r = record(out);
        if (std::string(name) == "asha") {
          expect_trials_end_as_decided(r, straight, dir_ / out);
        } else {
          for (size_t i = 0; i < r.trials.size(); ++i) {
            EXPECT_EQ(r.trials[i].status, pbt_reference.trials[i].status) << "trial " << i;
            for (const char* curve : kCurves)
              EXPECT_EQ(r.trials[i].curves.at(curve), pbt_reference.trials[i].curves.at(curve))
                  << "trial " << i << " " << curve;
          }
        }
        std::filesystem::remove_all(dir_ / out);
      }
    }
  }
  EXPECT_GE(resumed_cuts, 20) << "of 24 cuts, most must stop a sweep in the middle";
}

// A checkpoint ahead of its journal whose epochs the scheduler, hearing them again, stops
// earlier: the trial trains again from the start up to the stop (bitwise the same epochs), so
// its checkpoint and curves end there. Made by hand: the median rule's bad trial 3, with the
// journal cut before it started and the checkpoint of all 4 epochs from a run without the rule.
TEST_F(ScheduledSweepTest, ACheckpointAheadOfAStopIsTrainedAgainUpToIt) {
  const SweepSpec median = spec(std::string(kMedianGrid) + kMedianRule);
  run(median, "median");
  run(spec(kMedianGrid), "straight");
  std::filesystem::copy(dir_ / "median", dir_ / "cut", std::filesystem::copy_options::recursive);
  const std::filesystem::path journal = dir_ / "cut" / "journal.log";
  std::vector<std::string> lines = journal_lines(journal);
  lines.erase(std::find(lines.begin(), lines.end(), "next\t3"), lines.end());
  write_journal(journal, lines);
  std::filesystem::copy_file(checkpoint_path((dir_ / "straight").string(), 3),
                             checkpoint_path((dir_ / "cut").string(), 3),
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(checkpoint("cut", 3).epoch, 4);

  run(median, "cut");
  const SweepRecord r = record("cut"), reference = record("median");
  EXPECT_EQ(r.trials[3].status, TrialStatus::stopped);
  EXPECT_EQ(r.trials[3].message, reference.trials[3].message);
  EXPECT_EQ(checkpoint("cut", 3).epoch, 1);
  EXPECT_EQ(journaled_ends(journal, 3), std::vector<TrialStatus>{TrialStatus::stopped})
      << "one end, journaled once";
  expect_same_curves(r, reference);
}

// A kill after a stop's report line but before the checkpoint of the stopped epoch (or one
// that loses it): the resumed trial trains to the stop again from its last checkpoint (here:
// from the start), and ends stopped once, its checkpoint reduced as `keep: best` says only
// then. Made by hand from the median rule's sweep: trial 3's checkpoint and end line removed.
TEST_F(ScheduledSweepTest, AStopWhoseCheckpointWasLostIsTrainedToOnceAndEndsOnce) {
  const SweepSpec median =
      spec(std::string(kMedianGrid) + kMedianRule, 4, "{every: 3, keep: best}");
  run(median, "median");
  std::filesystem::copy(dir_ / "median", dir_ / "cut", std::filesystem::copy_options::recursive);
  std::filesystem::remove(checkpoint_path((dir_ / "cut").string(), 3));
  const std::filesystem::path journal = dir_ / "cut" / "journal.log";
  std::vector<std::string> lines = journal_lines(journal);
  std::erase_if(lines, [](const std::string& line) { return line.rfind("end\t3\t", 0) == 0; });
  write_journal(journal, lines);

  ASSERT_FALSE(run(median, "cut").interrupted);
  const SweepRecord r = record("cut"), reference = record("median");
  EXPECT_EQ(r.trials[3].status, TrialStatus::stopped);
  EXPECT_EQ(r.trials[3].message, reference.trials[3].message);
  const CheckpointProgress progress =
      read_checkpoint_progress(checkpoint_path((dir_ / "cut").string(), 3));
  EXPECT_EQ(progress.epoch, 1);
  EXPECT_EQ(progress.keep, "best");
  EXPECT_EQ(journaled_ends(journal, 3), std::vector<TrialStatus>{TrialStatus::stopped})
      << "one end, journaled once";
  expect_same_curves(r, reference);
}

}  // namespace
}  // namespace hpsweep::testing
