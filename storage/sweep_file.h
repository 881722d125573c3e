// DIR/sweep.h5, the sweep's record (docs/hdf5-schema.md): the spec, one group per trial with
// its status, swept values and learning curves, and a scheduler's decisions, appended and
// flushed as they come so the file can be read while the sweep runs.
#pragma once

#include <H5Cpp.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/spec.h"
#include "common/trial.h"

namespace hpsweep {

// A row of /decisions: what a trial scheduler decided (docs/schedulers.md).
struct DecisionRow {
  int64_t sequence = 0;
  double time = 0;  // seconds since 1970 when the coordinator wrote it
  int64_t trial = 0;
  std::string kind;  // start, promote, resume, exploit, pause, stop, complete
  int64_t epoch = 0;
  int64_t source_trial = -1;
  std::string hyperparameters, reason;
};

// A row of /trials/<id>/schedule, PBT only: what one epoch of the trial trained with.
struct ScheduleRow {
  int64_t epoch = 0;
  int64_t source_trial = -1;    // whose weights the epoch started from; -1: fresh ones
  std::string hyperparameters;  // "training.lr: 0.1, model.dropout: 0.2", as in /decisions
  bool operator==(const ScheduleRow&) const = default;
};

// The file lives in memory (HDF5 never writes to the disk itself); flush() replaces `path` by
// its image through a temporary file and a rename. So a full disk or a kill leaves the last
// flushed sweep.h5 whole, readers never see a half-written one, and a failed write is an Error
// naming `path` after which the file in memory is still whole (docs/resume.md).
class SweepWriter {
 public:
  // Creates `path` atomically with every trial as `pending`, replacing any earlier file (a
  // resumed sweep rebuilds it from checkpoints and the journal).
  SweepWriter(const std::string& path, const SweepSpec& spec, const std::vector<Trial>& trials);
  // Writes what changed since the last flush if it can; errors are dropped (the sweep is
  // failing already, or its last flush failed and said so).
  ~SweepWriter();

  void set_status(int64_t trial_id, TrialStatus status, const std::string& message = "");
  // method bayes: the trial's configuration and swept values, once suggested.
  void set_values(const Trial& trial);
  void append_epoch(int64_t trial_id, const EpochMetrics& metrics);
  // Keeps the first `epochs` values of every curve and schedule column (a retried trial
  // re-runs the rest).
  void truncate_curves(int64_t trial_id, int64_t epochs);
  void append_decision(const DecisionRow& row);
  // PBT sweeps only (the trials have a schedule).
  void append_schedule(int64_t trial_id, const ScheduleRow& row);
  // Writes the file's image to `path` (nothing when nothing changed). Throws Error naming it.
  void flush();
  // How long the last flush took: the caller spaces flushes so that they cost little.
  double last_flush_seconds() const { return last_flush_seconds_; }

 private:
  H5::Group trial_group(int64_t trial_id);
  std::string path_;
  H5::H5File file_;  // in memory
  bool dirty_ = false;
  double last_flush_seconds_ = 0;
};

struct TrialRecord {
  int64_t id = 0;
  uint64_t seed = 0;
  TrialStatus status = TrialStatus::pending;
  std::string message;
  std::vector<SweptValue> swept;  // in the spec's parameter order, without absent ones
  int64_t configuration = 0, repeat = 0;
  int64_t fold = -1;  // -1: no dataset.kfold
  // By curve_names(); a curve the trial does not have (val_* without a validation part,
  // train_eval_* without eval_train) is absent.
  std::map<std::string, std::vector<double>> curves;
  std::vector<ScheduleRow> schedule;  // PBT only

  // The trial's value of a swept parameter; null when its conditions failed for this trial.
  const ConfigValue* value_of(const std::string& path) const;
  int64_t epochs() const;
};

struct SweepRecord {
  std::string name;
  std::string spec_text;
  std::string hpsweep_version;
  MetricSpec metric;
  std::vector<std::string> swept_parameters;
  std::vector<TrialRecord> trials;
  std::vector<DecisionRow> decisions;  // none before /decisions existed
};

// Reads a sweep.h5; throws UserError when the file is missing or does not follow the schema.
SweepRecord read_sweep_file(const std::string& path);

}  // namespace hpsweep
