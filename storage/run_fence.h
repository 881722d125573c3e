// Fencing out an earlier run's writers. Killing mpirun and rank 0 together frees the folder's
// lock (coordinator/folder_lock.h) while the job's worker ranks go on for seconds, writing their
// trials' checkpoints: a resume started at once would recover from checkpoints that then
// change under it, and two writers of one trial would share one temporary file.
//
// So each run of a sweep folder takes the next generation number (1, 2, ...), kept in
// DIR/.fence, and a worker puts a file of the folder in place only while its run's generation is
// still the folder's: it renames under a shared flock() on DIR/.fence, and the coordinator takes
// the next generation under an exclusive one, which waits for a rename in flight. After that an
// earlier run's writer finds itself superseded (SupersededError) and stops writing. Each
// generation's temporary files have names of their own.
//
// The coordinator's own writes (sweep.h5, the journal, dev mode's checkpoints, exploit copies)
// need no fence: while it runs it holds the folder's lock, and no other run can start.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/error.h"

namespace hpsweep {

struct RunFence {
  std::string dir;         // the sweep folder
  int64_t generation = 0;  // 0: unfenced (the coordinator's own writes)
};

// A later run of the folder has started: this writer's run is over.
class SupersededError : public Error {
 public:
  using Error::Error;
};

// For the coordinator, holding the folder's lock: the folder's next generation (above
// `after` too: a folder made anew by --restart continues the numbers of the one moved aside,
// whose writers still write to its old path), after any rename in flight under an earlier
// one. Throws Error naming DIR/.fence when it cannot be written.
int64_t advance_run_generation(const std::string& dir, int64_t after = 0);

// The folder's current generation; 0 when it has none.
int64_t current_run_generation(const std::string& dir);

// Removes from `folder` the temporary files of generations before `generation` (of writers
// killed in the middle of a write; no such writer can put them in place any more).
void remove_earlier_temporaries(const std::string& folder, int64_t generation);

// Where a writer under `fence` builds `path` before renaming it into place.
std::string temporary_path(const std::string& path, const RunFence& fence);

// Runs `rename` (putting `path` in place) while `fence` is the folder's current run; throws
// SupersededError naming `path` otherwise. Unfenced: runs it.
void commit_fenced(const RunFence& fence, const std::string& path,
                   const std::function<void()>& rename);

}  // namespace hpsweep
