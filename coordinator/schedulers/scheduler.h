// The interface between the coordinator's loop and a trial scheduler (ASHA, Hyperband, the
// median rule, PBT, or plain in-order running). The coordinator asks next_trial() whenever a
// worker is free and calls report() after every epoch; the scheduler answers with a verdict
// and keeps a record of every decision for sweep.h5. Schedulers never train or touch files, so
// they are tested and benchmarked on simulated trials (coordinator/simulated_trials.h).
//
// Determinism: decisions are a function of the seed and of the order of calls. Nothing reads
// clocks or unordered containers; ties in a metric are broken by trial id.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/trial.h"
#include "coordinator/schedulers/value_suggester.h"

namespace hpsweep {

enum class DecisionKind {
  start,     // a new trial from epoch 0
  promote,   // a paused trial continues from its checkpoint (ASHA, Hyperband)
  resume,    // a paused trial continues with unchanged hyperparameters (PBT)
  exploit,   // a trial continues from another trial's checkpoint, hyperparameters explored (PBT)
  pause,     // the trial waits at a rung or barrier; its checkpoint is kept
  stop,      // the trial ends early: status `stopped`, with the reason
  complete,  // the trial reached max_epochs
};

std::string decision_kind_name(DecisionKind kind);

struct Decision {
  int64_t sequence = 0;  // 0, 1, 2, ... in the order decisions were made
  int64_t trial = 0;
  DecisionKind kind = DecisionKind::start;
  int64_t epoch = 0;            // the epoch the trial had reached (its checkpoint's)
  int64_t source_trial = -1;    // exploit: whose checkpoint was copied
  std::string hyperparameters;  // start, exploit: "training.lr: 0.1, model.dropout: 0.2"
  std::string reason;           // pause, stop, promote: why, naming the rung
};

// What a free worker runs next.
struct TrialRun {
  int64_t trial = 0;
  DecisionKind kind = DecisionKind::start;  // start, promote, resume or exploit
  int64_t from_epoch = 0;    // > 0: load the checkpoint of this epoch and train epoch+1 on
  int64_t source_trial = 0;  // whose checkpoint: the trial itself, or exploit's source
  std::vector<SweptValue> hyperparameters;  // the values to train with from now on
};

// An exploit's checkpoint: `target` continues from `source`'s checkpoint of `epoch`.
struct CheckpointCopy {
  int64_t source = 0, target = 0, epoch = 0;
};

enum class VerdictKind {
  proceed,   // train the next epoch
  pause,     // stop here, keep the checkpoint; a later TrialRun may continue it
  stop,      // stop here for good: status `stopped`
  complete,  // the last epoch: status `completed`
};

struct Verdict {
  VerdictKind kind = VerdictKind::proceed;
  std::string reason;  // pause and stop
};

struct SchedulerContext {
  std::vector<std::vector<SweptValue>> configs;  // trial i's values; trials start in id order
  int64_t max_epochs = 1;                        // a trial completes after this epoch
  bool minimize = true;
  uint64_t seed = 0;
};

// A metric value in a decision's reason: 4 significant digits.
std::string metric_text(double value);

class Scheduler {
 public:
  explicit Scheduler(SchedulerContext context);
  virtual ~Scheduler() = default;

  // What a free worker should run, or nullopt when nothing can run until a running trial
  // reports. nullopt with running() == 0 means the sweep is over; at that point trials still
  // paused are stopped (recorded as decisions).
  std::optional<TrialRun> next_trial();
  // A running trial finished `epoch` (1-based) with metric `value` (NaN counts as the worst).
  // Epochs come in order from the run's from_epoch + 1; anything else throws Error.
  Verdict report(int64_t trial, int64_t epoch, double value);
  // A running trial ended on its own before a verdict ended it (diverged, failed, or its own
  // training.epochs came first): never wait for it.
  void trial_ended(int64_t trial);

  // Trials then start with the values `suggester` gives them (method bayes), not their own.
  void suggest_with(std::unique_ptr<ValueSuggester> suggester) {
    suggester_ = std::move(suggester);
  }
  // The values trial `trial` trains with: its own, or those suggested when it started.
  const std::vector<SweptValue>& values(int64_t trial) const { return values_[trial]; }
  // Whether the run's trial trains with the run's values over its own from now on: an exploit's
  // explored values, or a start's suggested ones.
  bool sets_values(const TrialRun& run) const {
    return run.kind == DecisionKind::exploit || (run.kind == DecisionKind::start && suggester_);
  }

  int64_t running() const { return running_; }
  int64_t trial_count() const { return static_cast<int64_t>(context_.configs.size()); }
  const std::vector<Decision>& decisions() const { return decisions_; }
  // The checkpoint copies of exploits decided since the last call. The coordinator makes them
  // at once: the exploit may run long after its source has trained on and overwritten it.
  std::vector<CheckpointCopy> take_copies() { return std::exchange(copies_, {}); }

 protected:
  virtual std::optional<TrialRun> choose_next() = 0;
  virtual Verdict judge(int64_t trial, int64_t epoch, double score) = 0;
  virtual void forget(int64_t trial) = 0;
  // The sweep is over: stop every trial still paused.
  virtual void finish() {}

  // Lower is better, whatever the metric's goal; NaN is the worst.
  double score(double value) const;
  double value_of(double score) const { return context_.minimize ? score : -score; }
  TrialRun run(int64_t trial, DecisionKind kind, int64_t from_epoch) const;
  void record(int64_t trial, DecisionKind kind, int64_t epoch, std::string reason = {},
              int64_t source_trial = -1, std::string hyperparameters = {});

  void copy_checkpoint(int64_t source, int64_t target, int64_t epoch) {
    copies_.push_back({source, target, epoch});
  }

  const SchedulerContext context_;

 private:
  std::vector<int64_t> running_trials() const;

  std::unique_ptr<ValueSuggester> suggester_;
  std::vector<std::vector<SweptValue>> values_;  // by trial
  std::vector<Decision> decisions_;
  std::vector<CheckpointCopy> copies_;
  std::vector<int64_t> next_epoch_;  // per trial: the epoch it reports next; 0: not running
  int64_t running_ = 0;
  bool finished_ = false;
};

}  // namespace hpsweep
