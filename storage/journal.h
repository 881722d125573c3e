// DIR/journal.log: how each trial attempt ended, one line per event, appended by the
// coordinator and never rewritten; in a scheduled sweep also every call made on the trial
// scheduler. With the checkpoint files it is the sweep's source of
// truth on resume: sweep.h5 is rebuilt from the two, so a kill in the middle of a sweep.h5
// update loses nothing. A kill in the middle of an append leaves a line without its newline,
// which readers ignore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/metrics.h"

namespace hpsweep {

struct JournalRecord {
  int64_t trial_id = 0;
  TrialStatus status = TrialStatus::pending;
  int64_t epoch = 0;
  std::string message;
};

// A call the coordinator made on a trial scheduler (or an exploit's copy), in order: replayed
// on resume, it rebuilds the scheduler's rungs, barriers and paused trials exactly.
struct SchedulerCall {
  enum class Kind { next, report, ended, copied };
  Kind kind = Kind::next;
  int64_t trial = 0;    // next_trial()'s answer, report(), trial_ended(); copied: the target
  int64_t epoch = 0;    // report, copied
  double value = 0;     // report: the metric
  int64_t source = -1;  // copied
};

class JournalWriter {
 public:
  explicit JournalWriter(std::string path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  // Appends one line in a single write(2): once this returns, the line survives any kill of
  // the process. Not synced to disk (see sync()); after a crash of the machine, a trial whose
  // line is lost is rerun from its checkpoint, or counted as completed when its final one
  // survived (docs/resume.md, "A journal that lost its tail").
  void append(const JournalRecord& record);
  void append(const SchedulerCall& call);
  // Forces the lines appended so far to disk (fdatasync). The coordinator calls it at each
  // scheduler decision, before the decision takes effect: a machine crash then loses only
  // calls that decided nothing, which a resume hears again from the checkpoints.
  void sync();

 private:
  void write_line(const std::string& line);

  std::string path_;
  int fd_;
};

// Every complete line of the journal, oldest first; none when the file does not exist.
std::vector<JournalRecord> read_journal(const std::string& path);
std::vector<SchedulerCall> read_scheduler_calls(const std::string& path);

}  // namespace hpsweep
