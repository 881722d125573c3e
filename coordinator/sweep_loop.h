// The coordinator's event loop for one sweep: hands what the trial scheduler runs next
// (failed trials' retries first) to free workers, judges every epoch with the scheduler, and
// records reports, decisions and statuses in sweep.h5, the journal and the checkpoint files.
// All file writes happen on the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "common/spec.h"
#include "coordinator/exploit_copies.h"
#include "coordinator/schedulers/scheduler.h"
#include "coordinator/sweep_events.h"
#include "coordinator/sweep_file_recorder.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_recovery.h"
#include "coordinator/trial_state.h"
#include "coordinator/worker_pool.h"
#include "storage/journal.h"

namespace hpsweep {

// Where the loop tells what happens; sweep.h5 already holds the recovered state.
struct SweepRecords {
  SweepEvents& events;            // every listener: sweep.h5, the journal, the views
  SweepFileRecorder& sweep_file;  // one of them, whose paced writes the loop waits for
  int64_t run_generation = 0;     // the folder's run, which workers' writes carry (run_fence.h)
};

// Where the coordinator's time goes, for docs/schedulers.md's overhead benchmark.
struct LoopTiming {
  double loop_seconds = 0;  // in run(): from the first dispatch to the last trial's end
  double busy_seconds = 0;  // of which handling events (not waiting for one): scheduler
                            // calls, bookkeeping, sweep.h5, journal and checkpoint writes
  int64_t events = 0;       // worker events handled (epochs, judged epochs, trial ends)
  // Filled in by run_sweep from the recorders (sweep_file_recorder.h, journal_recorder.h):
  int64_t flushes = 0;       // sweep.h5 images written (storage/sweep_file.h)
  double flush_seconds = 0;  // and their time, part of busy_seconds
  int64_t syncs = 0;         // journal.log synced to disk, at decisions (storage/journal.h)
  double sync_seconds = 0;   // and their time, part of busy_seconds
};

class SweepLoop {
 public:
  // `found`: each trial as a resumed sweep found it (default: not started); `calls`: the
  // journal's scheduler calls, replayed to rebuild the scheduler as it was.
  SweepLoop(const SweepSpec& spec, const SweepInputs& inputs, WorkerPool& pool, std::string out_dir,
            SweepRecords records, std::vector<TrialRecovery> found,
            const std::vector<SchedulerCall>& calls = {});

  // Until every trial has ended, or `stop` is set and the running trials have stopped.
  void run(const std::atomic<bool>& stop, std::ostream& log);

  bool stopped() const { return stopping_; }
  const LoopTiming& timing() const { return timing_; }
  std::vector<TrialStatus> statuses() const;

 private:
  void replay(const std::vector<SchedulerCall>& calls);
  void dispatch();
  void start_run(const TrialRun& run);
  // Launches the trial from `resume_epoch`, or from its checkpoint when the scheduler has not
  // heard of every epoch that holds: it hears them first, and may end the run there.
  void continue_trial(int64_t id, int64_t resume_epoch);
  void launch(int64_t id, int64_t resume_epoch);
  // A pause or completion heard for a checkpoint's epoch, with no worker to tell.
  void settle(int64_t id, const Verdict& verdict, int64_t epoch);
  // The trial trains again from the start up to `epoch`, where a verdict ends it.
  void rewind(int64_t id, int64_t epoch);
  bool judge(const JudgeEvent& event);
  void record_epoch(const EpochEvent& event);
  void trial_done(const TrialDoneEvent& event);
  Verdict report(int64_t id, int64_t epoch, double value);
  void journal(const SchedulerCall& call);
  // After every scheduler call: new decisions told, exploits' checkpoint copies.
  void record_decisions();
  void apply_stop(const Decision& decision);
  // PBT: the hyperparameters and weights' source of the trial's epoch.
  void record_schedule(int64_t id, int64_t epoch);
  void make_ready_copies();
  Trial suggested_trial(int64_t id) const;
  void end_trial(int64_t id, TrialStatus status, int64_t epoch, const std::string& message);
  // A trial ended for good: its checkpoint keeps what `checkpoint.keep` says.
  void retain(int64_t id);

  const SweepSpec& spec_;
  const SweepInputs& inputs_;
  WorkerPool& pool_;
  const std::string out_dir_;
  SweepRecords records_;
  const std::unique_ptr<Scheduler> scheduler_;
  const bool scheduled_;  // not every trial to the end: judge epochs, record decisions

  std::vector<TrialState> trials_;
  ExploitCopies copies_;
  size_t decisions_written_ = 0;
  size_t starts_indexed_ = 0;  // decisions indexed into the trials' `starts` (PBT rows)

  std::vector<int> free_workers_;
  std::deque<TrialRun> ready_;  // the scheduler's runs whose trial has not left its worker yet
  std::deque<int64_t> reruns_;  // from its found.resume_epoch, without asking the scheduler
  int running_ = 0;
  bool stopping_ = false;
  LoopTiming timing_;
};

}  // namespace hpsweep
